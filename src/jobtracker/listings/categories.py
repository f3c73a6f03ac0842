"""The position category of a listing, read from its title alone.

Deterministic and documented, so that a person can predict it and a test can pin it: the title
is folded (`kit.text.fold`: lower case, no accents) with "c++", "c#" and ".net" spelled as
words, split into words (`kit.text.words`), and the rules below are tried in order; the first
rule with a phrase found in the title gives the category. A phrase matches whole consecutive
words ("ui" never matches "build"); a word ending in "*" matches any word it begins
("backend*" matches "backendentwickler"). Nothing found: `other`.

Rules, in order (the full phrase lists are in `RULES`):

 1. engineering_management: engineering manager, head of engineering, vp (of) engineering,
    director of engineering, cto, development manager, ...
 2. product: product manager, product owner, head of product, ...
 3. design: designer, ux, ui ux, user experience, user research, ...
 4. full_stack: full stack, fullstack, ...
 5. mobile: ios, android, react native, flutter, mobile, swift, kotlin multiplatform, ...
 6. data_engineering: data engineer, analytics engineer, etl, data platform, big data, ...
 7. data_science: data scientist, machine learning, ml, ai engineer, nlp, computer vision,
    llm, data analyst, ...
 8. security: security, appsec, penetration, pentest, infosec, cyber, ...
 9. embedded: embedded, firmware, hardware, fpga, electrical engineer, asic, ...
10. devops: sre, site reliability, devops, platform engineer, infrastructure, cloud engineer,
    kubernetes, sysadmin, ...
11. qa: qa, test, tester, sdet, quality assurance, quality engineer, ...
12. frontend: frontend, front end, react, vue, angular, javascript developer, ui developer, ...
13. backend: backend, back end, api, python developer, golang, java, ruby, php, node js, ...

Why this order: a role noun says what the person does whatever the subject ("Engineering
Manager, Mobile" manages; "Product Manager, Machine Learning" manages a product; "Product
Designer" designs), so roles come first; "full stack" names both ends, so it precedes frontend
and backend; the data, security and mobile words are more specific than the infrastructure
words ("Data Platform Engineer" builds data pipelines, "Cloud Security Engineer" works on
security, "Embedded Systems Engineer" on devices), and languages and frameworks say least, so
frontend and backend come last.

This module is outside DESIGN's fixed file set (router, service, repository, ...) because it is
neither: a pure function over a title, used when a record is built (`normalize.build_record`)
and by the catalogue's filter labels, with no table, query or transaction of its own.
"""

from __future__ import annotations

import functools
import re

from jobtracker.kit.text import fold, words
from jobtracker.listings.schemas import Category

RULES: tuple[tuple[Category, tuple[str, ...]], ...] = (
    (Category.ENGINEERING_MANAGEMENT, (
        "engineering manager*", "manager engineering", "manager software engineering",
        "head of engineering", "head of software", "head of development", "head of technology",
        "head of tech", "head of platform", "head of infrastructure", "vp engineering",
        "vp of engineering", "vp software", "vice president engineering",
        "vice president of engineering", "director of engineering", "engineering director",
        "director engineering", "director of software", "software engineering manager",
        "software development manager", "development manager", "engineering lead",
        "cto", "chief technology officer", "entwicklungsleiter*", "leiter softwareentwicklung",
        "teamleiter softwareentwicklung", "teamleiter entwicklung", "head of it",
        "directeur technique", "responsable technique", "gerente de ingenieria",
        "director de ingenieria",
    )),
    (Category.PRODUCT, (
        "product manager*", "product owner*", "product lead", "head of product",
        "vp product", "vp of product", "director of product", "product director",
        "chief product officer", "cpo", "product management", "produktmanager*",
        "produktowner", "chef de produit", "gerente de producto",
    )),
    (Category.DESIGN, (
        "designer*", "ux", "user experience", "user research*", "ux research*",
        "interaction design", "visual design", "graphic design", "product design",
        "head of design", "design lead", "design director", "disenador*", "disenadora*",
        "designerin", "gestalter*", "mediengestalter*", "ux ui", "ui ux", "uxui",
    )),
    (Category.FULL_STACK, (
        "full stack", "fullstack*", "full stack*",
    )),
    (Category.MOBILE, (
        "ios", "android", "react native", "flutter", "mobile", "mobil", "swift",
        "kotlin multiplatform", "xamarin", "ionic", "app developer", "app entwickler*",
        "appentwickler*",
    )),
    (Category.DATA_ENGINEERING, (
        "data engineer*", "analytics engineer*", "etl", "elt", "data pipeline*",
        "data warehouse*", "data warehousing", "dwh", "big data", "data platform",
        "data infrastructure", "data architect*", "dbt", "business intelligence engineer",
        "business intelligence developer", "bi engineer", "bi developer", "bi entwickler*",
        "ingeniero de datos", "ingeniera de datos", "engenheiro de dados", "ingenieur data",
        "ingenieur donnees", "ingenieur big data", "dateningenieur*", "data ingenieur*",
    )),
    (Category.DATA_SCIENCE, (
        "data scientist*", "data science", "machine learning", "ml",
        "ai", "ai engineer", "artificial intelligence", "nlp", "natural language processing",
        "computer vision", "llm", "llms", "deep learning", "research scientist",
        "applied scientist", "data analyst*", "data analytics", "datenanalyst*",
        "cientifico de datos", "cientifica de datos", "cientista de dados",
        "analista de datos", "data scientiste", "genai", "generative ai",
        "kunstliche intelligenz", "intelligence artificielle",
    )),
    (Category.SECURITY, (
        "security", "appsec", "penetration", "pentest*", "infosec", "cybersecurity",
        "cyber", "soc analyst", "red team", "blue team", "secops", "devsecops",
        "sicherheit*", "it sicherheit*", "securite", "seguridad", "ciberseguridad",
        "informationssicherheit*", "vulnerability",
    )),
    (Category.EMBEDDED, (
        "embedded", "firmware", "hardware", "fpga", "electrical engineer*", "asic",
        "pcb", "rtos", "vlsi", "electronics", "elektronik*", "elektrotechnik*",
        "systemes embarques", "embarque*", "verification engineer", "chip",
    )),
    (Category.DEVOPS, (
        "sre", "site reliability", "devops", "dev ops", "platform engineer*",
        "infrastructure", "infrastruktur*", "cloud engineer*", "cloud architect*",
        "cloud infrastructure", "cloud ops", "cloudops", "kubernetes", "system administrator",
        "systems administrator", "sysadmin", "systemadministrator*", "linux administrator",
        "build engineer", "release engineer", "mlops", "reliability engineer",
        "network engineer", "systems engineer", "production engineer", "ingenieur devops",
        "ingeniero devops", "administrateur systeme*",
    )),
    (Category.QA, (
        "qa", "qe", "test*", "tester", "sdet", "quality assurance", "quality engineer*",
        "qualitatssicherung", "softwaretest*", "test automation", "automation tester",
        "ingenieur qa", "ingeniero qa", "analista qa",
    )),
    (Category.FRONTEND, (
        "frontend*", "front end*", "react", "reactjs", "vue", "vuejs", "angular",
        "angularjs", "svelte", "javascript developer", "javascript engineer",
        "javascript entwickler*", "typescript developer", "typescript engineer",
        "ui developer", "ui engineer", "web developer", "webentwickler*", "web entwickler*",
        "nextjs", "next js", "css", "desarrollador web",
    )),
    (Category.BACKEND, (
        "backend*", "back end*", "api", "apis", "python developer", "python engineer",
        "python entwickler*", "golang", "go developer", "go engineer", "java", "ruby",
        "rails", "php", "node js", "nodejs", "node", "django", "laravel", "spring",
        "scala", "elixir", "erlang", "rust", "dotnet", "csharp", "kotlin", "server side",
        "serverside", "microservices", "cpp developer", "cpp engineer", "python",
    )),
)  # fmt: skip
_SPELLED = ((re.compile(r"c\+\+"), " cpp "), (re.compile(r"c#"), " csharp "),
            (re.compile(r"\.net\b"), " dotnet "))  # fmt: skip


@functools.lru_cache(maxsize=4096)  # titles repeat ("Senior Software Engineer"), and are short
def classify(title: str) -> Category:
    """The category of a listing from its title, by the first rule that matches (see above)."""
    spaced = f" {' '.join(_title_words(title))} "
    for category, pattern in _COMPILED:
        if pattern.search(spaced):
            return category
    return Category.OTHER


def _title_words(title: str) -> list[str]:
    text = fold(title)
    for pattern, spelled in _SPELLED:
        text = pattern.sub(spelled, text)
    return words(text)


def _phrase_pattern(phrase: str) -> str:
    """ "data engineer*" -> " data engineer\\w*(?= )": whole words, the last maybe a prefix."""
    pieces = [
        re.escape(word.rstrip("*")) + (r"\w*" if word.endswith("*") else "")
        for word in phrase.split()
    ]
    return " " + " ".join(pieces) + "(?= )"


# One expression per rule, matched against " the title words " (a space on each side).
_COMPILED = tuple(
    (category, re.compile("|".join(_phrase_pattern(phrase) for phrase in phrases)))
    for category, phrases in RULES
)
