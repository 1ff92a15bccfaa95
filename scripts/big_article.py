#!/usr/bin/env python3
# An article of about N bytes in our own words, dense in names and figures, for the one-large-file
# benchmark in BENCHMARKS.md: python3 scripts/big_article.py N OUT.md
import sys, random, os
# Writes an article of about N bytes in our own words, dense in names and figures.
n = int(sys.argv[1]); out = sys.argv[2]
random.seed(7)
first = ["Alice","Bruno","Chen","Dara","Emeka","Farah","Goran","Hana","Ivo","Jun"]
last = ["Marlow","Okafor","Lindqvist","Tanaka","Ruiz","Novak","Haddad","Silva","Kowal","Brandt"]
orgs = ["Kestrel Shipping Company","Harbor Commerce Bureau","Northwind Grain Agency","Tessaly Rail League"]
places = ["Lisbon","Nairobi","Osaka","Quito","Tallinn","Perth"]
parts = ["# Trade report\n\n"]
size = len(parts[0])
i = 0
while size < n:
    i += 1
    p = f"{random.choice(first)} {random.choice(last)}"
    s = (f"{p} of {random.choice(orgs)} said in {random.choice(places)} on Monday that exports rose "
         f"{random.randint(1,99)} percent to ${random.randint(1,900)}.{random.randint(0,9)} billion in {random.randint(1990,2024)}, "
         f"while the firm kept about {random.randint(2,90)},000 employees for {random.randint(2,12)} years. ")
    if i % 5 == 0: s += "\n\n"
    parts.append(s); size += len(s)
open(out, "w").write("".join(parts))
