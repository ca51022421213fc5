"""Generate privacy-town: a made-up neighbourhood, its middle school and a city health survey.

Run ``python make_privacy_town.py`` (needs ``faker``, the project's ``datasets``
extra). It (re)writes the four CSV files next to this file. Nobody in them is
real: names and phone numbers come from Faker's zh_CN lists, everything else
from one seeded numpy generator. See ``datacard.md`` for what each file is for.

The same seed gives the same files with the same Faker version (recorded in the
datacard); a newer Faker may pick other names, but every property the units
rely on (valid check digits, the sizes, the joins) is re-checked by the tests.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

SEED = 2026
HERE = Path(__file__).resolve().parent

# Resident ID numbers (GB 11643-1999): 6-digit region of first registration,
# 8-digit birth date, 3-digit sequence (odd = male), 1 check character.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
BEIJING = {
    "110101": "北京市东城区", "110102": "北京市西城区", "110105": "北京市朝阳区",
    "110106": "北京市丰台区", "110107": "北京市石景山区", "110108": "北京市海淀区",
    "110112": "北京市通州区", "110114": "北京市昌平区", "110115": "北京市大兴区",
}
ELSEWHERE = {
    "130102": "河北省石家庄市长安区", "370102": "山东省济南市历下区",
    "410105": "河南省郑州市金水区", "420106": "湖北省武汉市武昌区", "510107": "四川省成都市武侯区",
}
REGIONS = {**BEIJING, **ELSEWHERE}

# A made-up subdistrict pair and its housing estates (no real addresses).
COMMUNITIES = {
    "东湖街道": ["梧桐苑", "银杏里", "海棠湾", "紫藤园"],
    "西山街道": ["松柏家园", "丁香小区", "玉兰花园", "枫林苑"],
}
# Given names common among children born since 2005 (invented combinations of common characters).
YOUNG_MALE = (
    "浩然", "子轩", "宇轩", "浩宇", "俊杰", "梓豪", "一鸣", "思远", "博文", "天佑", "嘉懿", "明轩",
    "子墨", "皓轩", "宇航", "晨阳", "泽宇", "铭哲", "睿", "昊", "轩", "航", "杰", "鑫",
)
YOUNG_FEMALE = (
    "子涵", "欣怡", "梓萱", "一诺", "雨桐", "诗涵", "可馨", "语嫣", "梦瑶", "佳怡", "思彤", "欣妍",
    "若曦", "雨萱", "紫涵", "静怡", "芷若", "沐晴", "悦", "彤", "琪", "瑶", "萱", "妍",
)
SCHOOL_YEAR_START = dt.date(2011, 9, 1)  # grade 8 (初二) of 2025-26: born 2011-09-01 .. 2012-08-31
N_CLASSES, CLASS_SIZE = 6, 40
N_RESIDENTS = 3000
N_SURVEY = 3000
SCHOOLS = ["一中", "二中", "三中", "四中", "五中", "六中"]


def check_char(first17: str) -> str:
    """The 18th character: sum of digit x weight, mod 11, looked up in ``10X98765432``."""
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def id_number(rng, region: str, birth: dt.date, male: bool) -> str:
    seq = int(rng.integers(0, 500)) * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def random_date(rng, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, days)))


def full_name(fake, male: bool, birth: dt.date) -> str:
    """A family name from Faker; a given name that fits the gender and the decade of birth.

    Faker's zh_CN given names (伟, 秀英, 桂兰 ...) are those of older generations,
    and its ``name_male`` does not keep to male names; children born since 2005
    get a given name from the lists below instead.
    """
    if birth.year < 2005:
        given = fake.first_name_male() if male else fake.first_name_female()
    else:
        given = fake.random_element(YOUNG_MALE if male else YOUNG_FEMALE)
    return fake.last_name() + given


def people(rng, fake, n, birth_start, days, region_p):
    """n made-up people: name, gender, birth date, region of registration, ID number, phone."""
    out = []
    regions = list(REGIONS)
    for _ in range(n):
        male = bool(rng.random() < 0.5)
        birth = random_date(rng, birth_start, days)
        name = full_name(fake, male, birth)
        region = regions[rng.choice(len(regions), p=region_p)]
        out.append({"name": name, "gender": "男" if male else "女", "birth_date": birth.isoformat(),
                    "id_number": id_number(rng, region, birth, male), "phone": fake.phone_number()})
    return out


def place(rng):
    street = list(COMMUNITIES)[int(rng.integers(0, 2))]
    return street, COMMUNITIES[street][int(rng.integers(0, 4))]


def write(name, rows, fields):
    with open(HERE / name, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows({k: r[k] for k in fields} for r in rows)


def school(rng, fake):
    """Grade 8 of 明德中学 (made up): 6 classes of 40 with ID numbers, health check and a maths test."""
    p = np.array([6.0 if r in BEIJING else 1.0 for r in REGIONS])
    kids = people(rng, fake, N_CLASSES * CLASS_SIZE, SCHOOL_YEAR_START, 366, p / p.sum())
    for i, kid in enumerate(kids):
        kid["class"] = f"初二({i // CLASS_SIZE + 1})班"
        kid["street"], kid["community"] = place(rng)
        male = kid["gender"] == "男"
        kid["height_cm"] = round(float(rng.normal(165 if male else 158, 7)), 1)
        kid["weight_kg"] = round(float(rng.normal(55 if male else 49, 8)), 1)
        kid["myopia"] = int(rng.random() < 0.55)
        kid["allergy"] = str(rng.choice(["无", "无", "无", "无", "无", "无", "花粉", "花生"]))
        kid["counselling"] = int(rng.random() < 0.08)
        kid["math_score"] = int(np.clip(round(rng.normal(82, 11)), 35, 100))
    return kids


def residents(rng, fake, kids):
    """The public volunteer roster of the two subdistricts: every pupil plus 2,760 neighbours."""
    uniform = np.full(len(REGIONS), 1 / len(REGIONS))
    # 60 children of the pupils' age who go to other schools, so a match on birth date alone is no proof.
    others = people(rng, fake, 60, SCHOOL_YEAR_START, 366, uniform)
    others += people(rng, fake, N_RESIDENTS - len(kids) - 60, dt.date(1940, 1, 1), 365 * 84, uniform)
    for person in others:
        person["street"], person["community"] = place(rng)
    rows = kids + others
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    for i, row in enumerate(rows):
        row["building"] = f"{int(rng.integers(1, 13))}号楼"
        row["volunteer_id"] = f"V{i + 1:04d}"
    return rows


def survey(rng):
    """A city eye-health survey of 3,000 pupils in 6 schools (no names): schools differ on purpose."""
    rows = []
    outdoor_mean = [2.2, 1.9, 1.6, 1.3, 1.0, 0.8]   # suburban schools play outside more
    screen_mean = [1.5, 1.8, 2.1, 2.5, 2.9, 3.2]
    share = np.array([0.10, 0.14, 0.16, 0.18, 0.20, 0.22])
    sizes = rng.multinomial(N_SURVEY, share)
    for s, n in enumerate(sizes):
        for _ in range(n):
            age = int(rng.integers(12, 18))
            outdoor = float(np.clip(rng.normal(outdoor_mean[s], 0.6), 0, 5))
            screen = float(np.clip(rng.normal(screen_mean[s], 0.9), 0, 8))
            sleep = float(np.clip(rng.normal(8.6 - 0.25 * (age - 12), 0.7), 5, 11))
            parents = int(rng.choice(3, p=[0.35, 0.45, 0.20]))
            logit = (-2.2 + 0.28 * (age - 12) + 0.55 * screen - 0.9 * outdoor
                     + 0.7 * parents - 0.15 * (sleep - 8))
            myopia = int(rng.random() < 1 / (1 + np.exp(-logit)))
            rows.append({"school": SCHOOLS[s], "age": age, "gender": "男" if rng.random() < 0.5 else "女",
                         "outdoor_hours": round(outdoor, 1), "screen_hours": round(screen, 1),
                         "sleep_hours": round(sleep, 1), "parents_myopic": parents, "myopia": myopia})
    return [rows[i] for i in rng.permutation(len(rows))]


def main():
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    rng = np.random.default_rng(SEED)
    kids = school(rng, fake)
    write("school_roster.csv", kids, ["class", "name", "gender", "birth_date", "id_number", "phone",
                                      "street", "community", "math_score"])
    write("health_release.csv", [kids[i] for i in rng.permutation(len(kids))],
          ["birth_date", "gender", "street", "community", "height_cm", "weight_kg", "myopia",
           "allergy", "counselling"])
    write("volunteers.csv", residents(rng, fake, kids),
          ["volunteer_id", "name", "gender", "birth_date", "street", "community", "building"])
    write("eye_survey.csv", survey(rng), ["school", "age", "gender", "outdoor_hours", "screen_hours",
                                          "sleep_hours", "parents_myopic", "myopia"])


if __name__ == "__main__":
    main()
