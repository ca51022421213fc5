# AI Literacy Lab. `make demo` shows everything; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
COURSE ?= course
UNITS   = $(shell $(BIN)/python -c "from grader.authoring import units; print(' '.join(u.id for u in units.discover()))")

.PHONY: install demo test lab bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	@test -n "$(UNITS)" || { echo "make demo: no units found (see the error above)"; exit 1; }
	$(BIN)/ailab validate
	$(BIN)/ailab book --edition both --lang both
	$(BIN)/ailab release --course $(COURSE)
	for unit in $(UNITS); do \
	  $(BIN)/ailab sample $$unit --course $(COURSE) && \
	  $(BIN)/ailab sample $$unit --course $(COURSE) --lang zh_CN && \
	  $(BIN)/ailab grade $$unit --course $(COURSE) --cell-timeout 60 && \
	  $(BIN)/ailab feedback $$unit --course $(COURSE) --allow-ungraded || exit 1; \
	done
	$(BIN)/ailab export --course $(COURSE)
	@echo
	@echo "Student book:     build/site-student/index.html   (中文: build/site-student-zh_CN/index.html)"
	@echo "Instructor book:  build/site-instructor/index.html (中文: build/site-instructor-zh_CN/index.html)"
	@echo "Course folder:    $(COURSE)/ (release/, submitted/, autograded/, feedback/, gradebook.db)"
	@echo "Grades:           $(COURSE)/reports/<unit>/grades.csv and $(COURSE)/grades.csv"
	@echo "Sample classes:   sample-<kind> in English, sample-zh-<kind> in Chinese, graded together"
	@echo "JupyterLab:       make lab   (in Chinese: .venv/bin/ailab lab --course $(COURSE) --lang zh_CN)"

test: install
	$(BIN)/ruff check grader tests benchmarks
	$(BIN)/python -m pytest

lab: install
	$(BIN)/ailab lab --course $(COURSE)

bench: install
	$(BIN)/python benchmarks/notebooks.py
	$(BIN)/python benchmarks/grading.py
	$(BIN)/python benchmarks/books.py

clean:
	rm -rf build $(COURSE) .pytest_cache
