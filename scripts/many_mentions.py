#!/usr/bin/env python3
# An article holding about N entity mentions in our own words (people, organisations, places;
# a few figures), for the mentions-per-file rows of BENCHMARKS.md:
#   python3 scripts/many_mentions.py N OUT.md
import random, sys

n, out = int(sys.argv[1]), sys.argv[2]
random.seed(11)
people = ["Maria Delgado", "Tomas Brandt", "Olga Lind", "Kofi Mensah", "Ines Varga", "Ravi Patel"]
orgs = ["Harwick Mills", "Tollbridge Ferry", "Kestrel Shipping Company", "Northwind Grain Agency"]
places = ["Lisbon", "Quito", "Tallinn", "Perth", "Osaka", "Nairobi"]
parts, mentions = ["# Harbour diary\n\n"], 0
while mentions < n:
    p, q = random.sample(people, 2)
    s = (f"{p} of {random.choice(orgs)} met {q} in {random.choice(places)}; "
         f"Ms. {p.split()[1]} said {random.randint(2, 90)} ships docked. ")
    mentions += 5
    if mentions % 50 == 0:
        s += "\n\n"
    parts.append(s)
open(out, "w").write("".join(parts))
