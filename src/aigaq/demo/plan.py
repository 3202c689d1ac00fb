"""The demo: an organisation, its four accounts and a few hundred synthetic cases.

Everything here is invented: names, phones, plates, officers, judges and accounts of what happened.
The texts are written in Kazakh and Russian, as caseworkers write them, and are realistic but never
graphic. Two cases follow the story in ../shared/mission/ (a jogger in a park in the capital, then
the same man six months later in Oral); a few other men come back across cases, written differently
each time, and some namesakes must stay apart, so that matching has something true and something
false to find.

The cases are planned first by a pure, seeded function (`plan_cases`: the same seed, count and day
give the same plans), then written through the real services (`demo_create`), so encryption, search
tokens, audit entries and derived stages are exactly those of real use. Only passwords and the
random record codes differ between runs.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from aigaq import reference
from aigaq.accounts.models import Membership, Organisation, Role, User
from aigaq.accounts.services import temporary_password
from aigaq.cases import hooks, services
from aigaq.cases.models import Assignment, Case

START = dt.date(2022, 1, 1)
ORGANISATION_NAME = "«Қорған» дағдарыс орталығы / Кризисный центр «Корган» (демо)"

Texts = Mapping[str, Sequence[str]]  # language ("kk" or "ru") -> variants


# --- Accounts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str


# username, role, first and last name (staff names are stored as written, in Kazakh)
ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("caseworker", Role.CASEWORKER, "Айгерім", "Сәрсенова"),
    ("lawyer", Role.LAWYER, "Мадина", "Ержанова"),
    ("coordinator", Role.COORDINATOR, "Гүлнар", "Тоқтарова"),
    ("analyst", Role.ANALYST, "Дана", "Ли"),
)
USERNAMES = tuple(a[0] for a in ACCOUNTS)

# --- What a plan is -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One pathway event to add: its type, date and the fields its spec in `pathway.SPECS` names."""

    type: str
    date: dt.date
    data: Mapping[str, Any]


@dataclass(frozen=True)
class CasePlan:
    survivor: Mapping[str, Any]
    incident: Mapping[str, Any]
    suspects: tuple[Mapping[str, Any], ...]
    events: tuple[Step, ...]  # after the incident event, which case_create adds itself
    witnesses: tuple[Mapping[str, Any], ...]
    referrals: tuple[Mapping[str, Any], ...]
    costs: tuple[Mapping[str, Any], ...]
    notes: tuple[str, ...]
    created_on: dt.date
    created_time: dt.time
    created_by: str  # username of the account that took the intake
    lawyer_assigned: bool
    shared_with_caseworker: bool


# --- Where and in which language ----------------------------------------------------------------

# Weighted to the large cities where most crisis centres work.
REGION_WEIGHTS: dict[str, float] = {
    "KZ-75": 20, "KZ-71": 15, "KZ-79": 9, "KZ-35": 8, "KZ-27": 6, "KZ-15": 5, "KZ-19": 4, "KZ-55": 4,
    "KZ-63": 4, "KZ-23": 3, "KZ-47": 3, "KZ-31": 3, "KZ-61": 3, "KZ-39": 3, "KZ-11": 3, "KZ-43": 2,
    "KZ-59": 2, "KZ-10": 2, "KZ-33": 2, "KZ-62": 1,
}  # fmt: skip

# Share of cases written in Kazakh; the rest in Russian (the north and east write mostly Russian).
KAZAKH_SHARE: dict[str, float] = {
    "KZ-79": 0.7, "KZ-61": 0.8, "KZ-43": 0.8, "KZ-23": 0.7, "KZ-47": 0.65, "KZ-27": 0.55, "KZ-31": 0.65,
    "KZ-15": 0.5, "KZ-33": 0.55, "KZ-19": 0.5, "KZ-71": 0.45, "KZ-75": 0.35, "KZ-62": 0.5, "KZ-10": 0.45,
}  # fmt: skip

# Districts of the three cities of republican significance: (Kazakh, Russian adjective).
DISTRICTS: dict[str, tuple[tuple[str, str], ...]] = {
    "almaty": (("Алмалы", "Алмалинский"), ("Бостандық", "Бостандыкский"), ("Әуезов", "Ауэзовский"),
               ("Медеу", "Медеуский"), ("Түрксіб", "Турксибский"), ("Жетісу", "Жетысуский"),
               ("Алатау", "Алатауский"), ("Наурызбай", "Наурызбайский")),
    "astana": (("Есіл", "Есильский"), ("Алматы", "Алматинский"), ("Сарыарқа", "Сарыаркинский"),
               ("Байқоңыр", "Байконурский"), ("Нұра", "Нуринский")),
    "shymkent": (("Абай", "Абайский"), ("Әл-Фараби", "Аль-Фарабийский"), ("Еңбекші", "Енбекшинский"),
                 ("Қаратау", "Каратауский"), ("Тұран", "Туранский")),
}  # fmt: skip

# Villages not in the reference list, written in the settlement field.
VILLAGES: Texts = {
    "kk": ("Қызылжар ауылы", "Ақжар ауылы", "Жаңатұрмыс ауылы", "Талапты ауылы", "Көктерек ауылы"),
    "ru": ("с. Степное", "с. Ключи", "с. Красный Яр", "с. Берёзовка", "с. Новоалексеевка"),
}

# Monthly calculation index (МРП/АЕК) in tenge, by year: fines are set in multiples of it.
MCI = {2022: 3063, 2023: 3450, 2024: 3692, 2025: 3932, 2026: 4325}


# --- Kinds of case ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of case: its GBVIMS type, who it happens to and how it tends to go. Where it happens
    and who did it come with each account of it (`STORIES`)."""

    gbv: str
    weight: float
    scenarios: Mapping[str, float]
    ages: tuple[int, int, int]  # the survivor's age: low, high, most common
    period: float = 0.0  # chance the incident is a period rather than one day
    sexual: bool = False


KINDS: dict[str, Kind] = {
    "street": Kind(
        "sexual_assault", 28,
        {"intake_only": 1, "police_pending": 1, "refused": 3, "refused_then_registered": 2,
         "registered_waiting": 1.5, "terminated": 2, "downgraded_admin": 3, "admin_direct": 1.5,
         "convicted": 1, "downgraded_convicted": 1.5, "acquitted": 0.7, "court_waiting": 0.7,
         "appealed": 0.5},
        (15, 45, 22), sexual=True,
    ),
    "taxi": Kind(
        "sexual_assault", 5,
        {"refused": 2, "refused_then_registered": 1, "registered_waiting": 1, "terminated": 1,
         "downgraded_admin": 1.5, "convicted": 1, "downgraded_convicted": 1, "acquitted": 0.5},
        (17, 40, 23), sexual=True,
    ),
    "workplace": Kind(
        "sexual_assault", 9,
        {"intake_only": 2, "refused": 2, "refused_then_registered": 1, "registered_waiting": 1,
         "terminated": 2, "downgraded_admin": 1, "convicted": 0.5, "acquitted": 1},
        (19, 50, 27), period=0.5, sexual=True,
    ),
    "education": Kind(
        "sexual_assault", 4,
        {"intake_only": 2, "refused": 1, "registered_waiting": 1, "terminated": 2, "convicted": 1,
         "acquitted": 0.5, "court_waiting": 0.5},
        (13, 21, 16), period=0.4, sexual=True,
    ),
    "online": Kind(
        "psychological_abuse", 6,
        {"intake_only": 2, "refused": 3, "registered_waiting": 1, "terminated": 2, "convicted": 0.5},
        (15, 35, 20), period=0.6,
    ),
    "rape": Kind(
        "rape", 16,
        {"intake_only": 1.5, "refused": 2, "refused_then_registered": 1, "registered_waiting": 1,
         "terminated": 2.5, "convicted": 2, "downgraded_convicted": 1, "acquitted": 1, "court_waiting": 1,
         "appealed": 1},
        (14, 45, 21), sexual=True,
    ),
    "domestic": Kind(
        "physical_assault", 18,
        {"intake_only": 1, "police_pending": 0.5, "refused": 2, "registered_waiting": 0.5, "terminated": 2,
         "admin_direct": 3, "protective_order": 3, "convicted": 0.7},
        (18, 60, 32), period=0.3,
    ),
    "control": Kind(
        "psychological_abuse", 5,
        {"intake_only": 2, "refused": 2, "protective_order": 2, "admin_direct": 1, "terminated": 1},
        (18, 55, 30), period=0.7,
    ),
    "abduction": Kind(
        "forced_marriage", 3,
        {"intake_only": 2, "refused": 1, "police_pending": 0.5, "protective_order": 1},
        (16, 24, 19),
    ),
    "resources": Kind(
        "denial_of_resources", 3,
        {"intake_only": 3, "refused": 1, "protective_order": 1},
        (20, 60, 35), period=0.8,
    ),
}


@dataclass(frozen=True)
class Scenario:
    needs_crime: bool = False  # needs a Criminal Code article (a registered report)
    needs_offence: bool = False  # needs an administrative offence article
    span: int = 60  # days the pathway usually takes, to place it before today
    idle: tuple[int, int] = (0, 0)  # days of silence after it (a case waiting for a decision)
    recent: bool = False  # happened in the last three weeks


SCENARIOS: dict[str, Scenario] = {
    "intake_only": Scenario(span=40),
    "police_pending": Scenario(span=5, recent=True),
    "refused": Scenario(span=60),
    "refused_then_registered": Scenario(needs_crime=True, span=520),
    "registered_waiting": Scenario(needs_crime=True, span=80, idle=(45, 400)),
    "terminated": Scenario(needs_crime=True, span=260),
    "downgraded_admin": Scenario(needs_crime=True, span=200),
    "admin_direct": Scenario(needs_offence=True, span=60),
    "convicted": Scenario(needs_crime=True, span=520),
    "downgraded_convicted": Scenario(needs_crime=True, span=520),
    "acquitted": Scenario(needs_crime=True, span=520),
    "appealed": Scenario(needs_crime=True, span=560),
    "court_waiting": Scenario(needs_crime=True, span=300, idle=(45, 200)),
    "protective_order": Scenario(span=40),
}

# A Criminal Code sexual-offence article and what it is argued down to.
DOWNGRADE_TO_OFFENCE = {"CC-121": "CAO-434", "CC-121-1": "CAO-434", "CC-123": "CAO-434", "CC-124": "CAO-434"}
DOWNGRADE_TO_CRIME = {
    "CC-120": ("CC-123",), "CC-121": ("CC-293", "CC-123"), "CC-121-1": ("CC-293",), "CC-122": ("CC-124",),
    "CC-123": ("CC-131",), "CC-124": ("CC-131",),
}
CC_2024 = dt.date(2024, 6, 16)  # Law No. 72-VIII in force: battery and minor harm back in the Criminal Code


def _crime_article(kind: str, rng: random.Random, day: dt.date, age: int) -> str | None:
    minor = age < 16
    if kind in ("street", "taxi"):
        return ("CC-121-1" if day >= CC_2024 else "CC-124") if minor else "CC-121"
    if kind == "workplace":
        return _weighted(rng, {"CC-123": 0.6, "CC-121": 0.4})
    if kind == "education":
        return ("CC-121-1" if day >= CC_2024 else "CC-124") if minor else "CC-123"
    if kind == "rape":
        return "CC-122" if minor else "CC-120"
    if kind == "online":
        return _weighted(rng, {"CC-115": 0.7, "CC-131": 0.3})
    if kind == "domestic":
        if day >= CC_2024:
            return _weighted(rng, {"CC-109-1": 0.5, "CC-108-1": 0.3, "CC-107": 0.2})
        return _weighted(rng, {"CC-107": 0.6, "CC-115": 0.3, "CC-106": 0.1})
    if kind == "control":
        return "CC-115"
    return None


def _offence_article(kind: str, rng: random.Random, day: dt.date) -> str | None:
    if kind in ("street", "taxi", "workplace"):
        return "CAO-434"
    if kind in ("domestic", "control"):
        if day >= CC_2024:
            return "CAO-73"
        return _weighted(rng, {"CAO-73-2": 0.5, "CAO-73-1": 0.2, "CAO-73": 0.3})
    return None


# --- Texts, in the survivor's or the caseworker's words -----------------------------------------

@dataclass(frozen=True)
class Story:
    """What happened, in her words, in Kazakh and in Russian, with the place and the man's relation
    to her that the words imply."""

    kind: str
    place: str
    relations: tuple[str, ...]
    kk: str
    ru: str


STORIES: tuple[Story, ...] = (
    Story("street", "street", ("stranger", "unknown"),
          "Кешке жұмыстан үйге қайтып келе жатқанмын. Бейтаныс ер адам аялдамадан бастап артымнан ерді, "
          "қараңғы аулада ұстап алып, денеме қол сұқты. Айқайлағанымда қашып кетті.",
          "Возвращалась вечером с работы. Незнакомый мужчина шёл за мной от остановки, в тёмном дворе "
          "схватил меня и начал трогать. Я закричала, он убежал."),
    Story("street", "park", ("stranger",),
          "Таңертең саябақта жүгіріп жүргенімде екі жігіт артымнан түсті. Біреуі жолымды бөгеп, мені "
          "құшақтамақ болды. Итін серуендетіп жүрген әйел айқайлаған соң кетіп қалды.",
          "Бегала утром в парке. Двое мужчин пошли следом, один перегородил дорогу и попытался меня "
          "обнять. Когда закричала женщина, гулявшая с собакой, они ушли."),
    Story("street", "public_transport", ("stranger", "unknown"),
          "Автобуста адам көп болды. Артымда тұрған ер адам әдейі жабысып, қолын тигізе берді. Басқа "
          "жерге ауыстым, ол тағы жақындады. Келесі аялдамада түсіп қалдым.",
          "В переполненном автобусе мужчина сзади специально прижимался ко мне и трогал. Я отошла, он "
          "снова подошёл. Вышла на следующей остановке."),
    Story("street", "street", ("stranger",),
          "Дүкеннен шыққанда бір ер адам телефон нөмірімді сұрады, бермедім. Ол подъезге дейін еріп "
          "келіп, мені қабырғаға қысып, сүймек болды. Көршім шыққанда қашып кетті.",
          "Мужчина у магазина просил номер телефона, я отказала. Он дошёл за мной до подъезда, прижал к "
          "стене и пытался поцеловать. Вышел сосед, и мужчина убежал."),
    Story("street", "street", ("stranger", "unknown"),
          "Аялдамада күтіп тұрғанымда мас адам жанасып, ұятсыз сөздер айтып, қолымнан тартты. "
          "Айналадағылар үндемеді.",
          "На остановке пьяный мужчина приставал, говорил непристойности и хватал за руку. Люди вокруг "
          "молчали."),
    Story("street", "public_transport", ("stranger",),
          "Электричкада бір жолаушы қасыма тақап отырып, қолын тіземе қойды. Наразылық білдіргенімде, "
          "өзің соны қаладың деді.",
          "В вагоне электрички попутчик подсел вплотную и положил руку мне на колено. Когда я возмутилась, "
          "сказал, что я сама этого хотела."),
    Story("street", "park", ("acquaintance",),
          "Курстасыммен саябақта серуендеп жүрдік. Ол кенет құшақтап, сүйе бастады, қарсылық білдірсем де "
          "жібермеді.",
          "Гуляли в парке с однокурсником. Он вдруг начал обнимать и целовать и не отпускал, хотя я "
          "сопротивлялась."),
    Story("taxi", "other", ("stranger",),
          "Түнде қосымша арқылы такси шақырдым. Жүргізуші жолды өзгертіп, қала шетіне апарды, есікті "
          "құлыптап, маған қол сала бастады. Бағдаршамда есікті ашып, қашып шықтым.",
          "Ночью вызвала такси через приложение. Водитель поехал другой дорогой, заблокировал двери и "
          "начал меня лапать. На светофоре я открыла дверь и убежала."),
    Story("taxi", "other", ("stranger",),
          "Такси жүргізушісі жол бойы жеке өмірім туралы сұрап, бір кезде тіземе қолын қойды. Тоқтатуын "
          "өтіндім, ол күлді. Кептелісте түсіп қалдым.",
          "Таксист всю дорогу задавал личные вопросы, потом положил руку мне на колено. Я попросила "
          "остановить, он засмеялся. Вышла в пробке."),
    Story("workplace", "workplace", ("employer",),
          "Бастығым бірнеше ай бойы кабинетіне шақырып, ұятсыз ұсыныстар айтты. Келіспесем, жұмыстан "
          "шығарамын деді. Бір күні есікті жауып, мені құшақтап алды.",
          "Начальник несколько месяцев вызывал к себе в кабинет и делал непристойные предложения, "
          "угрожал увольнением. Однажды закрыл дверь и попытался меня обнять."),
    Story("workplace", "workplace", ("colleague",),
          "Әріптесім корпоративте маған жабысып, қойма бөлмесіне сүйреп кірмек болды. Келесі күні "
          "бәріне әзіл болды деп күлді.",
          "Коллега на корпоративе приставал, тянул в подсобку. На следующий день сказал всем, что это "
          "шутка."),
    Story("workplace", "workplace", ("employer",),
          "Жұмыс беруші жалақымды бермей, «маған жылырақ қарасаң» беремін деді. Бас тартқанымда мені "
          "ұстап алды.",
          "Работодатель не выплатил зарплату и сказал, что отдаст деньги, если я «буду с ним поласковее». "
          "Когда я отказалась, он меня схватил."),
    Story("education", "education", ("teacher",),
          "Мұғалім сабақтан кейін бағаңды түзейміз деп қалдырып, жанына отырғызды, қолымды ұстап, "
          "денеме тиісті. Ата-анаңа айтсаң, емтиханнан өтпейсің деді.",
          "Учитель оставил после уроков «исправить оценку», посадил рядом и трогал. Сказал, что если "
          "расскажу родителям, не сдам экзамен."),
    Story("education", "education", ("teacher",),
          "Колледждегі оқытушы түнде мессенджерге жазып, оңаша кездесуді талап етті. Бармасам, "
          "сессиядан құлатамын деді. Дәлізде қолымнан ұстап, кабинетке кіргізбек болды.",
          "Преподаватель колледжа писал ночью в мессенджере и требовал встретиться наедине, угрожал "
          "завалить на сессии. В коридоре схватил за руку и пытался завести в кабинет."),
    Story("online", "online", ("former_partner",),
          "Бұрынғы жігітім ортақ суреттерімізді интернетке саламын деп қорқытып, ақша мен кездесу талап "
          "етеді. Бұғаттасам, жаңа аккаунт ашып жаза береді.",
          "Бывший парень угрожает выложить наши фото в интернет, требует денег и встреч. Блокирую — "
          "создаёт новые аккаунты."),
    Story("online", "online", ("online_contact",),
          "Әлеуметтік желіде танысқан адам алдымен достық хат жазды, кейін жеке суреттерімді сұрай "
          "бастады. Бас тартқанымда туыстарыма жазамын деп қорқытты.",
          "Знакомый из соцсети сначала переписывался по-дружески, потом стал требовать интимные фото и "
          "угрожать написать моим родственникам."),
    Story("rape", "other", ("acquaintance",),
          "Таныс жігіт туған күнге шақырды. Қонақтар кеткен соң ол мені пәтерден шығармай, күш қолданып "
          "зорлады. Келесі күні ғана құрбыма айта алдым.",
          "Знакомый пригласил на день рождения. Когда гости разошлись, он не выпустил меня из квартиры и "
          "изнасиловал. Рассказать смогла только на следующий день подруге."),
    Story("rape", "home", ("neighbour",),
          "Көршім көмектесемін деп үйге кірді де, есікті жауып, қарсылығыма қарамай зорлады. "
          "Қорыққаннан бірнеше күн ешкімге айтпадым.",
          "Сосед зашёл под предлогом помощи, закрыл дверь и, несмотря на моё сопротивление, совершил "
          "насилие. Несколько дней я никому не говорила."),
    Story("rape", "other", ("acquaintance",),
          "Курстастармен кездесуден кейін таныс жігіт үйге жеткізіп салам деді, бірақ қала сыртына "
          "апарып, күш қолданды.",
          "После встречи однокурсников меня подвёз знакомый. Он отвёз меня не домой, а за город, и там "
          "применил силу."),
    Story("rape", "home", ("former_partner",),
          "Бұрынғы жігітім заттарын алуға келіп, кетпей қойды, сосын күшпен зорлады.",
          "Бывший парень пришёл забрать вещи, не уходил, а потом изнасиловал меня."),
    Story("domestic", "home", ("intimate_partner",),
          "Күйеуім ішіп келіп, түкке тұрғысыз нәрсеге бола ұрды, балалардың көзінше шашымнан сүйреді. "
          "Бұрын да болған, бірақ арыз жазбағанмын.",
          "Муж пришёл пьяный и избил меня из-за пустяка, при детях тащил за волосы. Такое бывало и "
          "раньше, но заявление я не писала."),
    Story("domestic", "home", ("former_partner",),
          "Бұрынғы күйеуім ажырасқаннан кейін үйге келіп, есікті тебеді, өлтіремін деп қорқытады. "
          "Көршілер полиция шақырды.",
          "Бывший муж после развода приходит, выбивает дверь и угрожает убить. Соседи вызвали полицию."),
    Story("domestic", "home", ("intimate_partner",),
          "Бірге тұратын адамым мені үйден шығармайды, телефонымды тартып алды. Кетпекші болғанымда "
          "итеріп жіберді, шкафқа соғылдым.",
          "Сожитель не выпускает из дома, отобрал телефон, а когда я попыталась уйти, толкнул, и я "
          "ударилась о шкаф."),
    Story("domestic", "home", ("family_member",),
          "Ағам ақшаға бола ұрып, үйден қуып шықты.",
          "Брат избил меня из-за денег и выгнал из дома."),
    Story("control", "home", ("intimate_partner",),
          "Күйеуім күн сайын балағаттап, ешкімге керек емессің дейді, құрбыларыммен сөйлесуге тыйым "
          "салды, телефонымды тексереді. Соңғы айда өлтіремін деп қорқыта бастады.",
          "Муж каждый день оскорбляет, запрещает общаться с подругами, проверяет переписку. В последний "
          "месяц стал угрожать убийством."),
    Story("control", "home", ("intimate_partner", "family_member"),
          "Қайын енем мен күйеуім жұмысқа шығуға рұқсат бермейді, әр қадамымды бақылайды, кетсең баланы "
          "алып қаламыз дейді.",
          "Свекровь и муж не разрешают работать, следят за каждым шагом, грозят забрать ребёнка, если я "
          "уйду."),
    Story("abduction", "other", ("acquaintance",),
          "Таныс жігіт достарымен мені көлікке отырғызып, ауылға алып кетті. Туыстары «келін болдың» деп "
          "жібермей, орамал салмақ болды. Екі күннен кейін әпкем келіп алып кетті.",
          "Знакомый парень с друзьями посадили меня в машину и увезли в аул. Его родственники говорили, "
          "что я теперь невестка, и не отпускали. Через два дня меня забрала сестра."),
    Story("resources", "home", ("intimate_partner",),
          "Күйеуім жалақымды түгел алып қояды, құжаттарымды жасырып қойған. Балаларға дәрі алуға да "
          "ақша бермейді.",
          "Муж забирает всю зарплату, спрятал мои документы. Не даёт денег даже на лекарства детям."),
)

QUOTES: dict[str, Texts] = {
    "no_evidence": {"kk": ("Куәгер жоқ, камера жоқ, немен дәлелдейсіз?",),
                    "ru": ("Свидетелей нет, камер нет — что вы от нас хотите?",)},
    "no_visible_injuries": {"kk": ("Денеңізде көгерген жер жоқ қой, ештеңе болмаған.",),
                            "ru": ("Синяков нет, значит, ничего не было.",)},
    "told_to_reconcile": {"kk": ("Татуласыңдар, жігіттің өмірін неге бұзасыз?",),
                          "ru": ("Помиритесь, зачем человеку жизнь ломать?",)},
    "natural_instincts": {"kk": ("Ер адам ғой, бұл табиғи нәрсе.",),
                          "ru": ("Мужчина есть мужчина, это естественные инстинкты.",)},
    "come_back_later": {"kk": ("Дүйсенбіде келіңіз, бүгін қабылдайтын адам жоқ.",),
                        "ru": ("Приходите в понедельник, сегодня принимать некому.",)},
    "private_matter": {"kk": ("Бұл отбасылық мәселе, өздерің шешіңдер.",),
                       "ru": ("Это семейное дело, разбирайтесь сами.",)},
    "wrong_jurisdiction": {"kk": ("Бұл біздің аудан емес, оқиға болған жерге барыңыз.",),
                           "ru": ("Это не наш район, идите по месту происшествия.",)},
    "medical_exam_required": {"kk": ("Сараптама анықтамасынсыз арыз қабылданбайды.",),
                              "ru": ("Без справки судмедэкспертизы заявление не примем.",)},
    "other": {"kk": ("Түнде жалғыз жүрмеу керек еді.",),
              "ru": ("Сами виноваты, нечего было гулять одной ночью.",)},
}

# Refusal reasons police give, by how often they are heard for each kind of case.
REFUSALS: dict[str, Mapping[str, float]] = {
    "sexual": {"no_evidence": 4, "no_visible_injuries": 2, "natural_instincts": 2, "come_back_later": 1,
               "told_to_reconcile": 1, "medical_exam_required": 2, "wrong_jurisdiction": 1, "other": 1},
    "online": {"no_evidence": 4, "wrong_jurisdiction": 2, "come_back_later": 1, "other": 1},
    "family": {"private_matter": 4, "told_to_reconcile": 3, "no_visible_injuries": 2, "no_evidence": 1,
               "come_back_later": 1, "wrong_jurisdiction": 0.5},
}

NOTES: dict[str, Texts] = {
    "general": {
        "kk": (
            "Зардап шегушімен телефон арқылы сөйлестік, жағдайы тұрақты, психологқа жазылды.",
            "Құжаттардың көшірмесін алып, папкаға салдық.",
            "Анасы қолдап отыр, бірақ туыстары арызды қайтарып ал деп қысым жасайды.",
            "Келесі кездесу жұма күні, тергеушіге бірге барамыз.",
            "Күдіктінің туыстары хабарласып, татуласуды сұрады; ол бас тартты.",
            "Жұмыс телефонына қоңырау шалмауды өтінді, тек кешке хабарласу керек.",
        ),
        "ru": (
            "Созвонились с пострадавшей, состояние стабильное, записана к психологу.",
            "Сняли копии документов, подшили в папку.",
            "Мама поддерживает, но родственники давят, чтобы забрала заявление.",
            "Следующая встреча в пятницу, идём к следователю вместе.",
            "Родственники подозреваемого звонили, просили примириться; она отказалась.",
            "Просила не звонить на рабочий номер, только вечером.",
        ),
    },
    "refused": {
        "kk": ("Полиция арызды қабылдамады, прокуратураға шағым дайындап жатырмыз.",
               "Кезекші «дәлел жоқ» деп үйге қайтарды, келесі күні заңгермен бірге бардық."),
        "ru": ("Полиция не приняла заявление, готовим жалобу прокурору.",
               "Дежурный отправил домой со словами «доказательств нет», на следующий день пошли вместе с "
               "юристом."),
    },
    "waiting": {
        "kk": ("Тергеушіге үш рет хабарластық, жауап жоқ. Шешім әлі шыққан жоқ.",),
        "ru": ("Следователь третью неделю не отвечает на звонки, решения нет.",),
    },
    "downgraded": {
        "kk": ("Іс жеңілірек бапқа қайта сараланды; зардап шегуші келіспейді, шағым беруді талқылап "
               "жатырмыз.",),
        "ru": ("Дело переквалифицировали на более мягкую статью; пострадавшая не согласна, обсуждаем "
               "жалобу.",),
    },
    "downgraded_to_offence": {
        "kk": ("Іс ұсақ бұзақылық ретінде қайта сараланды; зардап шегуші келіспейді, шағым беруді "
               "талқылап жатырмыз.",),
        "ru": ("Дело переквалифицировали на мелкое хулиганство; пострадавшая не согласна, обсуждаем "
               "жалобу.",),
    },
    "hearing": {
        "kk": ("Сот отырысында қорғаушы зардап шегушіні кінәлауға тырысты, судья тоқтатпады.",),
        "ru": ("На заседании защита пыталась обвинить пострадавшую, судья не останавливал.",),
    },
    "terminated": {
        "kk": ("Іс дәлел жеткіліксіз деп тоқтатылды, шағымдану мерзімін тексеру керек.",),
        "ru": ("Дело прекращено за недостаточностью доказательств, проверить сроки обжалования.",),
    },
    "acquitted": {
        "kk": ("Ақтау үкімі шықты; прокурор апелляция беремін деді.",),
        "ru": ("Оправдательный приговор; прокурор обещал подать апелляцию.",),
    },
}

TO_WHOM: Texts = {
    "kk": ("құрбысына", "анасына", "әпкесіне", "150 сенім телефонына", "дәрігерге"),
    "ru": ("подруге", "маме", "сестре", "на телефон доверия 150", "врачу"),
}
TO_WHOM_AT_SCHOOL: Texts = {"kk": ("мектеп психологына", "сынып жетекшісіне"),
                            "ru": ("школьному психологу", "классному руководителю")}

DESCRIPTIONS: Texts = {
    "kk": ("бойы ұзын, арық, қара куртка киген", "30 шамасында, сақалы бар, спорттық киімде",
           "толық денелі, басында қара кепка", "сол қолында татуировка бар", "көзілдірікті, костюм киген",
           "қасының үстінде тыртық бар", "оңтүстік диалектісімен сөйлейді"),
    "ru": ("высокий, худой, в чёрной куртке", "лет тридцати, с бородой, в спортивном костюме",
           "плотного телосложения, в чёрной кепке", "татуировка на левой руке", "в очках, в деловом костюме",
           "шрам над бровью", "говорит с южным акцентом"),
}

WITNESS_STATEMENTS: Texts = {
    "kk": ("Айқайды естіп, терезеден қарадым. Ер адам қызды қолынан тартып тұрды.",
           "Аялдамада тұрғанмын, ол қызға жабысып жатқанын көрдім, полиция шақырдым.",
           "Ол кейін маған келіп, жылап, болған жайды айтып берді."),
    "ru": ("Услышала крик, выглянула в окно: мужчина тянул девушку за руку.",
           "Стоял на остановке, видел, как он к ней приставал, вызвал полицию.",
           "Она сразу после этого пришла ко мне вся в слезах и рассказала, что случилось."),
}

PROVIDERS: dict[str, Texts] = {
    "legal_aid": {"kk": ("Ерікті адвокат (pro bono)", "Заң клиникасы, студент-еріктілер",
                         "Мемлекет кепілдік берген заң көмегінің адвокаты"),
                  "ru": ("Адвокат-волонтёр (pro bono)", "Юридическая клиника, студенты-волонтёры",
                         "Адвокат ГГЮП")},
    "psychological": {"kk": ("Дағдарыс орталығының психологы", "Жастар орталығының психологы"),
                      "ru": ("Психолог кризисного центра", "Психолог молодёжного центра")},
    "medical": {"kk": ("Қалалық емхана", "Әйелдер консультациясы"),
                "ru": ("Городская поликлиника", "Женская консультация")},
    "shelter": {"kk": ("Дағдарыс орталығы (баспана)",), "ru": ("Кризисный центр (приют)",)},
    "other": {"kk": ("Жұмыспен қамту орталығы",), "ru": ("Центр занятости",)},
}

# Names of staff of the police and courts (invented): Kazakh and Russian spellings.
OFFICIAL_SURNAMES = (("Әбдірахманов", "Абдрахманов"), ("Жұмағұлов", "Жумагулов"), ("Сұлтанов", "Султанов"),
                     ("Петров", "Петров"), ("Исмаилов", "Исмаилов"), ("Бейсенов", "Бейсенов"),
                     ("Тлеуов", "Тлеуов"), ("Савченко", "Савченко"))  # fmt: skip
RANKS = {"kk": ("лейтенант", "аға лейтенант", "капитан", "майор"),
         "ru": ("лейтенант", "старший лейтенант", "капитан", "майор")}
INITIALS = "АБГДЕЖКМНРСТ"

# --- Suspects' names ------------------------------------------------------------------------------

# Kazakh given names and surnames as (Kazakh spelling, Russian spelling, Latin transliteration).
KAZAKH_GIVEN = (
    ("Ерлан", "Ерлан", "Yerlan"), ("Асхат", "Асхат", "Askhat"), ("Жандос", "Жандос", "Zhandos"),
    ("Бауыржан", "Бауыржан", "Bauyrzhan"), ("Ғалым", "Галым", "Galym"), ("Қайрат", "Кайрат", "Kairat"),
    ("Серік", "Серик", "Serik"), ("Талғат", "Талгат", "Talgat"), ("Ержан", "Ержан", "Yerzhan"),
    ("Арман", "Арман", "Arman"), ("Бекзат", "Бекзат", "Bekzat"), ("Дидар", "Дидар", "Didar"),
    ("Ельдос", "Ельдос", "Yeldos"), ("Рүстем", "Рустем", "Rustem"), ("Санжар", "Санжар", "Sanzhar"),
    ("Тимур", "Тимур", "Timur"), ("Нұржан", "Нуржан", "Nurzhan"), ("Абылай", "Абылай", "Abylai"),
    ("Айдос", "Айдос", "Aidos"), ("Олжас", "Олжас", "Olzhas"), ("Қуаныш", "Куаныш", "Kuanysh"),
    ("Ерболат", "Ерболат", "Yerbolat"), ("Самат", "Самат", "Samat"), ("Мейіржан", "Мейржан", "Meirzhan"),
)
KAZAKH_SURNAMES = (
    ("Жұмабаев", "Жумабаев", "Zhumabayev"), ("Әбенов", "Абенов", "Abenov"),
    ("Нұрғалиев", "Нургалиев", "Nurgaliyev"), ("Тоқтаров", "Токтаров", "Toktarov"),
    ("Сәрсенбаев", "Сарсенбаев", "Sarsenbayev"), ("Ержанов", "Ержанов", "Yerzhanov"),
    ("Мұқанов", "Муканов", "Mukanov"), ("Исабеков", "Исабеков", "Issabekov"),
    ("Байжанов", "Байжанов", "Baizhanov"), ("Құдайбергенов", "Кудайбергенов", "Kudaibergenov"),
    ("Оспанов", "Оспанов", "Ospanov"), ("Тұрсынов", "Турсынов", "Tursynov"),
    ("Шәріпов", "Шарипов", "Sharipov"), ("Қалиев", "Калиев", "Kaliyev"), ("Дүйсенов", "Дуйсенов", "Duisenov"),
    ("Рахымжанов", "Рахимжанов", "Rakhimzhanov"), ("Смағұлов", "Смагулов", "Smagulov"),
)
# Russian (and other) names, written in Russian: (Cyrillic, Latin, everyday form).
RUSSIAN_GIVEN = (
    ("Сергей", "Sergei", "Серёга"), ("Андрей", "Andrei", "Андрюха"), ("Дмитрий", "Dmitrii", "Дима"),
    ("Владимир", "Vladimir", "Вова"), ("Евгений", "Yevgeny", "Женя"), ("Игорь", "Igor", ""),
    ("Максим", "Maksim", "Макс"), ("Виктор", "Viktor", "Витя"), ("Николай", "Nikolai", "Коля"),
    ("Роман", "Roman", "Рома"), ("Павел", "Pavel", "Паша"), ("Олег", "Oleg", ""),
    ("Алишер", "Alisher", ""), ("Рустам", "Rustam", ""),
)
RUSSIAN_SURNAMES = (
    ("Иванов", "Ivanov"), ("Петренко", "Petrenko"), ("Кузнецов", "Kuznetsov"), ("Смирнов", "Smirnov"),
    ("Попов", "Popov"), ("Ковальчук", "Kovalchuk"), ("Шевченко", "Shevchenko"), ("Волков", "Volkov"),
    ("Морозов", "Morozov"), ("Пак", "Pak"), ("Лысенко", "Lysenko"), ("Зайцев", "Zaitsev"),
    ("Юсупов", "Yusupov"), ("Каримов", "Karimov"), ("Мамедов", "Mamedov"),
)
# Fathers' names for patronymics: (Kazakh, Russian stem).
FATHERS = (("Серік", "Серик"), ("Нұрлан", "Нурлан"), ("Болат", "Болат"), ("Марат", "Марат"),
           ("Ержан", "Ержан"), ("Талғат", "Талгат"))  # fmt: skip

FEMALE_NAMES: Texts = {
    "kk": ("Айгерім", "Аружан", "Мөлдір", "Назерке", "Ақмарал", "Томирис", "Гүлназ", "Әсел", "Жанар"),
    "ru": ("Анастасия", "Екатерина", "Ольга", "Алина", "Виктория", "Динара", "Камила", "Сабина", "Мадина"),
}
WITNESS_NAMES: Texts = {
    "kk": ("Гүлмира Ж.", "Бақыт Т.", "Әсем Н.", "Нұрлан К.", "Сәуле А."),
    "ru": ("Ирина П.", "Марат С.", "Светлана В.", "Олег Д.", "Жанна Б."),
}
# Pseudonyms are code names, stored unencrypted: words, never a person's name.
PSEUDONYMS = ("Жусан", "Көктем", "Бұлақ", "Шағала", "Қарлығаш", "Сирень", "Ласточка", "Берёза", "Рассвет",
              "Ромашка", "Тұмар", "Ақбота")  # fmt: skip

OPERATORS = ("700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778")
PLATE_LETTERS = "ABCDEHKMOPTX"


# --- Men who come back: the same person in several cases, written differently -------------------


@dataclass(frozen=True)
class Planted:
    """A case whose date, place and suspect are fixed; the rest is generated."""

    date: dt.date
    region: str
    city: str
    kind: str
    lang: str
    suspect: Mapping[str, Any]


# Listed in the order they are kept when fewer cases are asked for: each man's first two cases come
# before anyone's third, so even a small demo holds several true repeats and a pair of namesakes.
PLANTED: tuple[Planted, ...] = (
    # Ерлан Қасымов, born 1987: street harassment in Almaty and its region; phone and account.
    Planted(dt.date(2022, 9, 17), "KZ-75", "almaty", "street", "kk",
            {"full_name": "Ерлан Қасымов", "phones": "+7 707 555 33 10", "handles": "@yerlan.kas",
             "approx_age": 35, "relation": "stranger"}),
    Planted(dt.date(2023, 6, 3), "KZ-19", "kaskelen", "street", "ru",
            {"full_name": "Касымов Ерлан", "phones": "87075553310", "approx_age": 36, "relation": "stranger",
             "description": "в белой кепке, на вид лет 35"}),
    # Дәурен Омаров, born 1979: a taxi driver, the same car plate written two ways.
    Planted(dt.date(2023, 2, 11), "KZ-75", "almaty", "taxi", "ru",
            {"full_name": "Даурен", "plates": "145 AAB 02", "approx_age": 45, "relation": "stranger",
             "description": "белая Toyota Camry, такси через приложение"}),
    Planted(dt.date(2024, 4, 27), "KZ-79", "shymkent", "taxi", "kk",
            {"full_name": "Омаров Дәурен", "plates": "145AAB02", "phones": "+7 (778) 555-41-90",
             "approx_age": 45, "relation": "stranger"}),
    # Алексей Ким, born 1995: online, the same account under a nickname and in Latin.
    Planted(dt.date(2023, 10, 9), "KZ-55", "pavlodar", "online", "ru",
            {"full_name": "Лёша Ким", "handles": "@lyosha_kim95", "approx_age": 28,
             "relation": "online_contact"}),
    Planted(dt.date(2025, 3, 18), "KZ-71", "astana", "online", "ru",
            {"full_name": "Aleksei Kim", "aliases": "Лёха", "handles": "instagram.com/lyosha_kim95",
             "birth_date": "1995", "relation": "online_contact"}),
    # Серік Бекмұратов, born 1972: an employer in Karaganda, then in Temirtau.
    Planted(dt.date(2022, 4, 5), "KZ-35", "karaganda", "workplace", "kk",
            {"full_name": "Бекмұратов Серік Жұмабекұлы", "phones": "+7 701 555 87 02", "approx_age": 50,
             "relation": "employer"}),
    Planted(dt.date(2024, 1, 22), "KZ-35", "temirtau", "workplace", "ru",
            {"full_name": "Серик Бекмуратов", "phones": "8-701-555-87-02", "approx_age": 52,
             "relation": "employer", "description": "директор небольшого магазина"}),
    # Мұрат Жақсылықов, born about 1990: buses in Shymkent and Turkistan.
    Planted(dt.date(2024, 2, 19), "KZ-79", "shymkent", "street", "kk",
            {"full_name": "Мұрат Жақсылықов", "approx_age": 33, "relation": "stranger",
             "description": "№12 автобуста, қара куртка"}),
    Planted(dt.date(2025, 7, 30), "KZ-61", "turkistan", "street", "ru",
            {"full_name": "Мурат Жаксылыков", "phones": "+7 747 555 2468", "approx_age": 35,
             "relation": "stranger"}),
    # Namesakes: three different men called Нурлан Ахметов (ages 19, 47 and 62) who must stay apart.
    Planted(dt.date(2022, 11, 2), "KZ-75", "almaty", "street", "ru",
            {"full_name": "Нурлан Ахметов", "birth_date": "2003", "approx_age": 19,
             "phones": "+7 705 555 10 01", "relation": "stranger"}),
    Planted(dt.date(2024, 5, 15), "KZ-15", "aktobe", "domestic", "kk",
            {"full_name": "Ахметов Нұрлан Серікұлы", "birth_date": "1976-08-02", "approx_age": 47,
             "phones": "8 (700) 555-77-19", "relation": "intimate_partner"}),
    # Two men called Асхат Сапаров, thirty years apart.
    Planted(dt.date(2023, 8, 8), "KZ-23", "atyrau", "street", "kk",
            {"full_name": "Асхат Сапаров", "approx_age": 24, "phones": "+7 702 555 64 64",
             "relation": "stranger"}),
    Planted(dt.date(2025, 12, 3), "KZ-47", "aktau", "workplace", "ru",
            {"full_name": "Сапаров Асхат", "approx_age": 55, "birth_date": "1970", "relation": "employer"}),
    # The third case of each repeat, and the third namesake.
    Planted(dt.date(2024, 8, 21), "KZ-75", "almaty", "street", "ru",
            {"full_name": "YERLAN KASSYMOV", "handles": "instagram.com/yerlan.kas", "birth_date": "1987",
             "relation": "stranger"}),
    Planted(dt.date(2025, 9, 14), "KZ-75", "almaty", "taxi", "kk",
            {"full_name": "DAUREN OMAROV", "phones": "8 778 555 4190", "birth_date": "1979",
             "plates": "145 ААВ 02", "relation": "stranger"}),
    Planted(dt.date(2026, 5, 11), "KZ-79", "shymkent", "street", "kk",
            {"full_name": "MURAT ZHAKSYLYKOV", "phones": "87475552468", "approx_age": 36,
             "relation": "stranger"}),
    Planted(dt.date(2025, 10, 1), "KZ-59", "petropavl", "street", "ru",
            {"full_name": "NURLAN AKHMETOV", "birth_date": "1963", "approx_age": 62, "relation": "stranger",
             "description": "пожилой, седой, с тростью"}),
)

# Names the generator must not give to anyone else, so every repeat and namesake is deliberate.
RESERVED_SURNAMES = frozenset(("Қасымов", "Омаров", "Ким", "Бекмұратов", "Жақсылықов", "Ахметов", "Сапаров",
                               "Сейітов"))  # fmt: skip


# --- Helpers ----------------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _fine(rng: random.Random, day: dt.date, low: int, high: int) -> Decimal:
    return Decimal(MCI.get(day.year, MCI[max(MCI)]) * rng.randint(low, high))


def _phone_formats(rng: random.Random, digits: str) -> str:
    """One Kazakhstan mobile number (10 digits after +7) written the way people write it."""
    a, b, c, d = digits[:3], digits[3:6], digits[6:8], digits[8:]
    return rng.choice((
        f"+7 {a} {b} {c} {d}", f"+7 ({a}) {b}-{c}-{d}", f"8 ({a}) {b}-{c}-{d}", f"8{digits}", f"+7{digits}",
        f"8 {a} {b} {c}{d}", f"8-{a}-{b}-{c}-{d}", f"+7 {a} {b} {c}{d}",
    ))  # fmt: skip


@dataclass
class _Numbers:
    """Invented phone numbers (all in the 555 block), each given to one person only."""

    used: set[str] = field(default_factory=set)

    def new(self, rng: random.Random) -> str:
        while True:
            digits = rng.choice(OPERATORS) + "555" + f"{rng.randint(0, 9999):04d}"
            if digits not in self.used and "5551234" not in digits:
                self.used.add(digits)
                return digits


@dataclass
class _Case:
    """A case being planned: its place, language, pathway so far and the date reached."""

    rng: random.Random
    today: dt.date
    kind_code: str
    kind: Kind
    lang: str
    region: str
    city: str
    district: tuple[str, str] | None
    age: int
    incident_day: dt.date
    day: dt.date  # the date the pathway has reached
    crime: str | None = None  # the Criminal Code article the report is registered under
    offence: str | None = None  # the administrative offence, where the case goes that way
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def pick(self, texts: Texts) -> str:
        return self.rng.choice(texts[self.lang])

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def wait(self, gap: tuple[int, int]) -> None:
        self.day += _days(self.rng.randint(*gap))

    def event(self, type_: str, gap: tuple[int, int] = (0, 0), **data: Any) -> None:
        self.wait(gap)
        self.steps.append(Step(type_, self.day, {k: v for k, v in data.items() if v not in (None, "", [])}))

    def confidant(self) -> str:
        """Whom she first told: a girl at school may tell a teacher or the school psychologist."""
        return self.pick(TO_WHOM_AT_SCHOOL if self.age < 18 and self.chance(0.4) else TO_WHOM)

    def note(self, topic: str) -> None:
        self.notes.append(self.pick(NOTES[topic]))

    def maybe_note(self, topic: str, p: float = 0.3) -> str:
        return self.pick(NOTES[topic]) if self.chance(p) else ""

    # Words of the police and the courts, in the case's language.

    def unit(self) -> str:
        city = reference.city(self.city) if self.city else None
        if self.district:
            kk, ru = self.district
            return (f"{kk} аудандық полиция басқармасы" if self.lang == "kk"
                    else f"УП {ru[:-2]}ого района г. {city.label('ru') if city else ''}")
        if city is None:
            return "аудандық полиция бөлімі" if self.lang == "kk" else "районный отдел полиции"
        label = city.label(self.lang)
        if city.population_class == "village":
            return f"{label} аудандық полиция бөлімі" if self.lang == "kk" else f"ОП с. {label}"
        return f"{label} қалалық полиция басқармасы" if self.lang == "kk" else f"УП г. {label}"

    def court(self) -> str:
        city = reference.city(self.city) if self.city else None
        if city is None:
            return "аудандық сот" if self.lang == "kk" else "районный суд"
        label = city.label(self.lang)
        if self.district:
            kk, ru = self.district
            if self.lang == "kk":
                return f"{label} қаласы {kk} аудандық соты"
            return f"{ru} районный суд г. {label}"
        if city.population_class == "village":
            return f"{label} аудандық соты" if self.lang == "kk" else f"Районный суд ({label})"
        return f"{label} қалалық соты" if self.lang == "kk" else f"Городской суд г. {label}"

    def officer(self) -> str:
        if self.chance(0.25):
            return "кезекші, аты-жөнін айтпады" if self.lang == "kk" else "дежурный, фамилию не назвал"
        surname = self.rng.choice(OFFICIAL_SURNAMES)[0 if self.lang == "kk" else 1]
        return f"{self.rng.choice(RANKS[self.lang])} {surname}"

    def judge(self) -> str:
        surname = self.rng.choice(OFFICIAL_SURNAMES)[0 if self.lang == "kk" else 1]
        if surname.endswith(("ов", "ев", "ин")):  # most judges in these cases are women: -ова, -ева, -ина
            surname += "а"
        return f"судья {surname} {self.rng.choice(INITIALS)}.{self.rng.choice(INITIALS)}."

    def kui(self) -> str:
        return f"КУИ № {self.rng.randint(1000, 29999)}"

    def erdr(self) -> str:
        # 15 digits: year, region, then a running number.
        region = reference.region(self.region)
        serial = self.rng.randint(0, 10**11 - 1)
        return f"{self.day.year % 100:02d}{region.iso_numeric if region else '00'}{serial:011d}"


# --- Pathways -----------------------------------------------------------------------------------------


def _go_to_police(c: _Case, *, arrived: float = 0.3) -> None:
    if c.chance(0.35):
        c.event("disclosure", (0, 20), to_whom=c.confidant())
    c.event("police_contacted", (0, 3), unit=c.unit())
    if c.chance(arrived):
        c.event("police_arrived", minutes_after_call=c.rng.choice((12, 20, 35, 50, 90, 180)), unit=c.unit())


def _refuse(c: _Case) -> None:
    heard = "sexual" if c.kind.sexual else "online" if c.kind_code == "online" else "family"
    reason = _weighted(c.rng, REFUSALS[heard])
    c.event("report_refused", (0, 2), reason=reason, quote=c.pick(QUOTES[reason]) if c.chance(0.7) else "",
            unit=c.unit(), officer=c.officer() if c.chance(0.5) else "")
    c.note("refused")


def _register(c: _Case, gap: tuple[int, int] = (0, 3)) -> None:
    assert c.crime is not None
    criminal = reference.article(c.crime)
    c.event("report_registered", gap, kui_number=c.kui(),
            erdr_number=c.erdr() if criminal and criminal.criminal else "", initial_article=c.crime,
            unit=c.unit())
    if c.kind_code in ("rape", "domestic", "street", "taxi") and c.chance(0.6):
        c.event("forensic_exam", (0, 4),
                payer=_weighted(c.rng, {"survivor": 3, "organisation": 2, "family": 1}))


def _terminate(c: _Case) -> None:
    grounds = {"insufficient_evidence": 5, "no_corpus_delicti": 3, "no_event": 1}
    article = reference.article(c.crime or "")
    if article and article.severity in ("misdemeanour", "minor", "medium"):
        grounds["reconciliation"] = 6 if c.kind_code in ("domestic", "control") else 2
    c.event("investigation_terminated", (30, 180), ground=_weighted(c.rng, grounds))
    c.note("terminated")


def _downgrade_to_offence(c: _Case) -> None:
    assert c.crime is not None
    c.offence = DOWNGRADE_TO_OFFENCE[c.crime]
    c.event("requalified", (10, 90), from_article=c.crime, to_article=c.offence,
            note=c.maybe_note("downgraded_to_offence"))
    c.note("downgraded_to_offence")
    _administrative_decision(c, (5, 40))


def _administrative_decision(c: _Case, gap: tuple[int, int]) -> None:
    assert c.offence is not None
    outcome = _weighted(c.rng, {"fine": 6, "warning": 1.5, "arrest": 1, "community_work": 1,
                                "dismissed": 1.5})
    c.wait(gap)
    c.event("administrative_decision", article=c.offence, outcome=outcome,
            amount=_fine(c.rng, c.day, 5, 20) if outcome == "fine" else None)
    if outcome == "dismissed" and c.chance(0.4):
        c.event("appeal", (5, 15), by="survivor", outcome=_appeal_outcome(c))


def _appeal_outcome(c: _Case) -> str:
    if (c.today - c.day).days < 60:
        return "pending"
    return _weighted(c.rng, {"upheld": 6, "modified": 2.5, "overturned": 1.5})


DEFENCE_SEXUAL = {"looked_provocative": 3, "natural_urges": 2, "mistaken_mutual_attraction": 2,
                  "entertained_by_glance": 1, "victim_mentally_unstable": 1, "married_family_man": 2,
                  "consent_relationship": 3, "victim_drunk": 2, "late_night_clothing": 2,
                  "delay_in_reporting": 2}
DEFENCE_OTHER = {"victim_drunk": 1, "delay_in_reporting": 1, "married_family_man": 2, "other": 1}


def _hearings(c: _Case, judge: str) -> None:
    closed = c.chance(0.7 if c.kind.sexual else 0.15)
    pool = DEFENCE_SEXUAL if c.kind.sexual else DEFENCE_OTHER
    for number in range(c.rng.choice((1, 1, 2, 3))):
        arguments = sorted({_weighted(c.rng, pool) for _ in range(c.rng.randint(0, 3))})
        c.event("hearing", (14, 60) if number else (20, 75), closed=closed, judge=judge,
                defence_arguments=arguments)
    if c.chance(0.5):
        c.note("hearing")


def _sentence(c: _Case, article_code: str) -> None:
    article = reference.article(article_code)
    severity = article.severity if article else "minor"
    rng = c.rng
    if severity in ("grave", "especially_grave"):
        kind = _weighted(rng, {"imprisonment": 0.85, "restriction_of_liberty": 0.15})
        months = rng.randint(60, 180) if kind == "imprisonment" else rng.randint(24, 60)
        c.event("sentence", sentence_type=kind, length_months=months)
    elif severity == "medium":
        kind = _weighted(rng, {"imprisonment": 0.5, "restriction_of_liberty": 0.3, "suspended": 0.2})
        c.event("sentence", sentence_type=kind, length_months=rng.randint(12, 60))
    else:
        kind = _weighted(rng, {"fine": 0.4, "community_work": 0.3, "restriction_of_liberty": 0.2,
                               "arrest": 0.1})
        c.event("sentence", sentence_type=kind, amount=_fine(rng, c.day, 20, 200) if kind == "fine" else None,
                length_months=rng.randint(6, 24) if kind == "restriction_of_liberty" else None)


def _court(c: _Case, article_code: str, *, outcome: str, appeal: float = 0.25) -> None:
    c.event("sent_to_court", (40, 200), article=article_code, court=c.court())
    judge = c.judge()
    _hearings(c, judge)
    c.event("verdict", (0, 20), outcome=outcome, article=article_code, judge=judge if c.chance(0.3) else "")
    if outcome == "convicted":
        _sentence(c, article_code)
        if c.chance(appeal):
            custodial = c.steps[-1].data.get("sentence_type") in ("imprisonment", "arrest")
            c.event("appeal", (10, 30), by="defendant" if custodial else "survivor",
                    outcome=_appeal_outcome(c))
    else:
        c.note("acquitted")
        if c.chance(0.6):
            c.event("appeal", (10, 30), by=_weighted(c.rng, {"prosecutor": 1, "survivor": 1}),
                    outcome=_appeal_outcome(c))


def _complain(c: _Case, about: str, outcome: str) -> None:
    c.event("complaint_filed", (3, 30), about=about,
            target=_weighted(c.rng, {"prosecutor": 5, "investigating_judge": 2, "internal_affairs": 1}),
            outcome=outcome)


def _pathway(c: _Case, scenario: str) -> None:
    rng = c.rng
    public = c.kind_code in ("street", "taxi")
    if scenario == "intake_only":
        c.event("disclosure", (0, 30), to_whom=c.confidant())
    elif scenario == "police_pending":
        _go_to_police(c, arrived=0.6)
    elif scenario == "refused":
        _go_to_police(c, arrived=0.5 if public else 0.3)
        _refuse(c)
        if c.chance(0.45):
            _complain(c, "refusal", _weighted(rng, {"rejected": 2, "no_response": 2, "pending": 3}))
    elif scenario == "refused_then_registered":
        _go_to_police(c)
        _refuse(c)
        _complain(c, "refusal", "upheld")
        _register(c, (1, 14))
        tails = {"terminated": 2.0, "convicted": 2.0, "waiting": 1.0}
        if c.crime in DOWNGRADE_TO_OFFENCE:
            tails["offence"] = 1.0
        tail = _weighted(rng, tails)
        if tail == "terminated":
            _terminate(c)
        elif tail == "convicted":
            _court(c, c.crime or "", outcome="convicted")
        elif tail == "offence":
            _downgrade_to_offence(c)
        else:
            c.note("waiting")
    elif scenario == "registered_waiting":
        _go_to_police(c)
        _register(c)
        if c.chance(0.4):
            _complain(c, "inaction", "pending")
        c.note("waiting")
    elif scenario == "terminated":
        _go_to_police(c)
        _register(c)
        if c.chance(0.25):
            _complain(c, "inaction", _weighted(rng, {"upheld": 1, "rejected": 1, "no_response": 1}))
        _terminate(c)
    elif scenario == "downgraded_admin":
        _go_to_police(c, arrived=0.5 if public else 0.2)
        _register(c)
        _downgrade_to_offence(c)
    elif scenario == "admin_direct":
        _go_to_police(c, arrived=0.8)
        _administrative_decision(c, (1, 20))
    elif scenario in ("convicted", "acquitted", "appealed"):
        _go_to_police(c)
        _register(c)
        outcome = "convicted"
        if scenario == "acquitted":
            outcome = _weighted(rng, {"acquitted": 3, "case_dismissed": 1})
        _court(c, c.crime or "", outcome=outcome, appeal=1.0 if scenario == "appealed" else 0.25)
    elif scenario == "downgraded_convicted":
        _go_to_police(c)
        _register(c)
        lesser = rng.choice(DOWNGRADE_TO_CRIME[c.crime or ""])
        c.event("requalified", (20, 120), from_article=c.crime, to_article=lesser)
        c.note("downgraded")
        _court(c, lesser, outcome="convicted")
    elif scenario == "court_waiting":
        _go_to_police(c)
        _register(c)
        c.event("sent_to_court", (40, 200), article=c.crime, court=c.court())
        c.note("waiting")
    elif scenario == "protective_order":
        _go_to_police(c, arrived=0.9)
        c.event("protective_order", (0, 1), days=30)
        if c.offence and c.chance(0.5):
            _administrative_decision(c, (2, 20))
    else:
        raise ValueError(f"unknown scenario {scenario!r}")


# --- People ---------------------------------------------------------------------------------------------


def _random_suspect(c: _Case, numbers: _Numbers, relation: str) -> dict[str, Any]:
    rng, lang = c.rng, c.lang
    year = c.incident_day.year
    age = max(16, min(70, round(rng.triangular(17, 65, 30))))
    stranger = relation in ("stranger", "unknown")
    suspect: dict[str, Any] = {"sex": "male", "relation": relation}
    if rng.random() < 0.8:
        given = rng.choice(KAZAKH_GIVEN)
        surname = rng.choice([s for s in KAZAKH_SURNAMES if s[0] not in RESERVED_SURNAMES])
        father = rng.choice(FATHERS)
        script = _weighted(rng, {"kk": 0.7, "ru": 0.25, "lat": 0.05} if lang == "kk"
                           else {"kk": 0.15, "ru": 0.7, "lat": 0.15})
        if script == "lat":
            first, last, patronymic = given[2], surname[2], ""
        else:
            i = 0 if script == "kk" else 1
            first, last = given[i], surname[i]
            patronymic = f"{father[0]}ұлы" if script == "kk" else f"{father[1]}ович"
        nickname = ""
    else:
        ru_given = rng.choice(RUSSIAN_GIVEN)
        ru_surname = rng.choice(RUSSIAN_SURNAMES)
        latin = rng.random() < 0.15
        first, last = (ru_given[1], ru_surname[1]) if latin else (ru_given[0], ru_surname[0])
        patronymic = "" if latin else rng.choice(("Викторович", "Николаевич", "Сергеевич", "Александрович"))
        nickname = ru_given[2]
    known = rng.random() < (0.7 if stranger else 1.0)
    if known:
        form = _weighted(rng, {"first_last": 0.55, "last_first": 0.2, "official": 0.1, "first": 0.15})
        name = {"first_last": f"{first} {last}", "last_first": f"{last} {first}",
                "official": f"{last} {first} {patronymic}".strip(), "first": first}[form]
        if first.isascii() and rng.random() < 0.5:
            name = name.upper()
        suspect["full_name"] = name
        if nickname and rng.random() < 0.3:
            suspect["aliases"] = nickname
    if rng.random() < (0.3 if stranger else 0.6):
        suspect["phones"] = _phone_formats(rng, numbers.new(rng))
    if c.kind_code == "online" or rng.random() < 0.1:
        base = f"{(first if known else rng.choice(KAZAKH_GIVEN)[2]).lower()}_{rng.randint(1, 999)}"
        if not base.isascii():
            base = f"user{rng.randint(1000, 99999)}"
        suspect["handles"] = rng.choice((f"@{base}", f"instagram.com/{base}", f"t.me/{base}"))
    if c.kind_code == "taxi" or rng.random() < 0.05:
        numeric = reference.region(c.region)
        code = numeric.plate_codes[0] if numeric else "02"
        letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(3))
        suspect["plates"] = rng.choice((f"{rng.randint(100, 999)} {letters} {code}",
                                        f"{rng.randint(100, 999)}{letters}{code}"))
    if rng.random() < 0.75:
        suspect["approx_age"] = age
    if rng.random() < 0.2:
        born = year - age
        exact = f"{born}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        suspect["birth_date"] = rng.choice((str(born), exact))
    if rng.random() < 0.4 or "full_name" not in suspect:
        suspect["description"] = c.pick(DESCRIPTIONS)
    return suspect


def _survivor(c: _Case, numbers: _Numbers) -> dict[str, Any]:
    rng = c.rng
    survivor: dict[str, Any] = {
        "sex": "female",
        "age_at_incident": c.age,
        "birth_year": c.incident_day.year - c.age - (1 if rng.random() < 0.5 else 0),
        "consent_services": rng.random() < 0.8,
        "consent_matching": rng.random() < 0.6,
        "consent_statistics": rng.random() < 0.9,
    }
    if rng.random() < 0.6:
        survivor["pseudonym"] = f"{rng.choice(PSEUDONYMS)}-{rng.randint(1, 99):02d}"
    if rng.random() < 0.35:
        survivor["name"] = c.pick(FEMALE_NAMES)
    if rng.random() < 0.3:
        when = "тек кешке, 18:00-ден кейін" if c.lang == "kk" else "только вечером, после 18:00"
        survivor["contact"] = f"{_phone_formats(rng, numbers.new(rng))} ({when})"
    return survivor


# --- One planned case -------------------------------------------------------------------------------


@dataclass
class _Slot:
    kind: str
    planted: Planted | None = None
    scenario: str = ""

    def fits(self, scenario: Scenario, today: dt.date) -> bool:
        if self.planted is None:
            return True
        return not scenario.recent and self.planted.date + _days(scenario.span + scenario.idle[0]) <= today


def _place(rng: random.Random, region: str) -> tuple[str, str]:
    """(city code, settlement): a city of the region, region centres most often; sometimes a village
    that is not in the list."""
    cities = [c for c in reference.cities() if c.region == region]
    if len(cities) > 1 and rng.random() < 0.06:
        return "", "village"
    weights = [6.0 if c.is_region_centre else {"city": 3.0, "town": 1.5}.get(c.population_class, 1.0)
               for c in cities]
    return rng.choices(cities, weights=weights)[0].code, ""


def _plan_case(rng: random.Random, slot: _Slot, today: dt.date, numbers: _Numbers) -> CasePlan:
    kind = KINDS[slot.kind]
    scenario = SCENARIOS[slot.scenario]
    planted = slot.planted
    if planted is not None:
        region, city_code, settlement, lang = planted.region, planted.city, "", planted.lang
    else:
        region = _weighted(rng, REGION_WEIGHTS)
        city_code, settlement = _place(rng, region)
        lang = "kk" if rng.random() < KAZAKH_SHARE.get(region, 0.3) else "ru"
    if settlement:
        settlement = rng.choice(VILLAGES[lang])
    city = reference.city(city_code) if city_code else None
    area = "urban" if city is not None and city.urban else "rural"
    age = round(rng.triangular(*kind.ages))

    if planted is not None:
        day = planted.date
    elif scenario.recent:
        day = today - _days(rng.randint(scenario.span, scenario.span + 20))
    else:
        latest = today - _days(scenario.span + rng.randint(*scenario.idle))
        day = START + _days(rng.randint(0, max(0, (latest - START).days)))
    date_from = day
    if rng.random() < kind.period:
        date_from = max(START, day - _days(rng.randint(20, 150)))

    c = _Case(rng=rng, today=today, kind_code=slot.kind, kind=kind, lang=lang, region=region, city=city_code,
              district=rng.choice(DISTRICTS[city_code]) if city_code in DISTRICTS else None, age=age,
              incident_day=day, day=day)
    if scenario.needs_crime:
        c.crime = _crime_article(slot.kind, rng, day, age)
    c.offence = _offence_article(slot.kind, rng, day)
    _pathway(c, slot.scenario)
    # Nothing is ever dated after today: a pathway longer than the time since the incident stops here.
    events = tuple(s for s in c.steps if s.date <= today)

    stories = [t for t in STORIES if t.kind == slot.kind]
    if planted is not None:
        stories = [t for t in stories if planted.suspect["relation"] in t.relations] or stories
    story = rng.choice(stories)
    place, relation = story.place, rng.choice(story.relations)
    suspects: list[dict[str, Any]] = []
    if planted is not None:
        suspects.append({"sex": "male", **planted.suspect})
    else:
        suspects.append(_random_suspect(c, numbers, relation))
    if rng.random() < (0.25 if slot.kind in ("street", "rape", "abduction") else 0.05):
        suspects.append(_random_suspect(c, numbers, suspects[0].get("relation", relation)))

    # The lawyer takes most cases that reach a prosecutor or a court, and a few others.
    went_further = any(s.type in ("sent_to_court", "complaint_filed") for s in events)
    lawyer = rng.random() < (0.65 if went_further else 0.12)
    created_by = "caseworker" if rng.random() < 0.85 else "coordinator"
    first_contact = events[0].date if events else day
    created_on = min(today, first_contact + _days(rng.randint(0, 10)))
    return CasePlan(
        # A planted man's survivors consent to matching, so the demo raises his alerts (and shows that
        # namesakes raise none).
        survivor={**_survivor(c, numbers), **({"consent_matching": True} if planted else {})},
        incident={
            "date_from": date_from, "date_to": day if date_from != day else None, "region": region,
            "city": city_code, "settlement": settlement, "area": area, "place_type": place,
            "gbv_type": kind.gbv, "account": story.kk if lang == "kk" else story.ru,
        },
        suspects=tuple(suspects),
        events=events,
        witnesses=_witnesses(c, numbers) if place in ("park", "street", "public_transport") else (),
        referrals=_referrals(c, created_on, lawyer),
        costs=_costs(c, events, created_on, lawyer),
        notes=(*c.notes[:3], *(c.pick(NOTES["general"]) for _ in range(rng.choice((0, 1, 1, 2))))),
        created_on=created_on,
        created_time=dt.time(rng.randint(9, 18), rng.randint(0, 59)),
        created_by=created_by,
        lawyer_assigned=lawyer,
        shared_with_caseworker=created_by == "coordinator" and rng.random() < 0.4,
    )


def _witnesses(c: _Case, numbers: _Numbers) -> tuple[dict[str, Any], ...]:
    if not c.chance(0.35):
        return ()
    return tuple(
        {"name": c.pick(WITNESS_NAMES),
         "contact": _phone_formats(c.rng, numbers.new(c.rng)) if c.chance(0.6) else "",
         "statement": c.pick(WITNESS_STATEMENTS)}
        for _ in range(c.rng.choice((1, 1, 2)))
    )


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + _days(rng.randint(0, max(0, (end - start).days)))


def _referrals(c: _Case, start: dt.date, lawyer: bool) -> tuple[dict[str, Any], ...]:
    rng, today = c.rng, c.today
    kinds: list[str] = []
    if lawyer or c.chance(0.2):
        kinds.append("legal_aid")
    if c.chance(0.5):
        kinds.append("psychological")
    if c.kind_code in ("rape", "domestic") and c.chance(0.7):
        kinds.append("medical")
    if c.kind_code in ("domestic", "control", "resources") and c.chance(0.4):
        kinds.append("shelter")
    if c.chance(0.05):
        kinds.append("other")
    out = []
    for kind in kinds:
        referred = _between(rng, start, min(today, start + _days(20)))
        status = _weighted(rng, {"planned": 1, "made": 2, "accepted": 3, "declined": 1, "completed": 3})
        closed = None
        if status in ("declined", "completed"):
            closed = _between(rng, referred, min(today, referred + _days(120)))
        out.append({"kind": kind, "provider": c.pick(PROVIDERS[kind]), "status": status,
                    "referred_on": referred, "closed_on": closed})
    return tuple(out)


def _costs(c: _Case, events: Sequence[Step], start: dt.date, lawyer: bool) -> tuple[dict[str, Any], ...]:
    rng = c.rng
    # Costs fall while the case is active: from the intake to shortly after its last event.
    end = min(c.today, max(start, events[-1].date if events else start) + _days(30))
    out: list[dict[str, Any]] = []
    if lawyer and c.chance(0.7):
        payer = _weighted(rng, {"survivor": 4.5, "volunteer_pro_bono": 2.5, "organisation": 2, "family": 1,
                                "state_legal_aid": 0.5})
        out.append({"kind": "lawyer", "amount": Decimal(rng.randrange(30_000, 300_000, 5_000)),
                    "payer": payer, "paid_on": _between(rng, start, end)})
    for step in events:
        if step.type == "forensic_exam" and step.data.get("payer") and c.chance(0.8):
            out.append({"kind": "forensic_exam", "amount": Decimal(rng.randrange(8_000, 25_000, 500)),
                        "payer": step.data["payer"], "paid_on": step.date})
    if c.chance(0.3):
        out.append({"kind": "travel", "amount": Decimal(rng.randrange(1_500, 40_000, 500)),
                    "payer": _weighted(rng, {"survivor": 3, "organisation": 1, "family": 1}),
                    "paid_on": _between(rng, start, end)})
    if c.kind_code in ("rape", "domestic") and c.chance(0.4):
        out.append({"kind": "medical", "amount": Decimal(rng.randrange(5_000, 60_000, 1_000)),
                    "payer": _weighted(rng, {"survivor": 3, "family": 1}),
                    "paid_on": _between(rng, start, end)})
    if c.chance(0.15):
        out.append({"kind": "psychological", "amount": Decimal(rng.randrange(8_000, 20_000, 1_000)),
                    "payer": _weighted(rng, {"survivor": 2, "organisation": 3}),
                    "paid_on": _between(rng, start, end)})
    return tuple(out)


# --- The article's story ----------------------------------------------------------------------------------

STORY_ASTANA_ACCOUNT = (
    "В воскресенье утром я бегала в парке, как обычно, с нашей беговой группой, но отстала от них. Двое "
    "мужчин пошли за мной, а в безлюдном месте один из них попытался меня схватить и потрогать. Прохожие "
    "закричали и вызвали полицию, мужчины убежали."
)
STORY_ORAL_ACCOUNT = (
    "Көшеде келе жатқанымда бейтаныс ер адам артымнан жақындап, джинсымды ұстап, денеме қол тигізді. "
    "«Шалбарыңда дақ бар екен, тазалап жатырмын» деді. Айқайлағанымда адамдар жиналды."
)


def _story_astana(today: dt.date) -> CasePlan:
    """The jogger in the capital: bystanders call the police, who come fifteen minutes later; five
    hours to have her declaration taken; a pro bono lawyer; a closed hearing the next day; petty
    hooliganism, a fine, no custody."""
    day = dt.date(2025, 5, 4)  # a Sunday
    next_day = day + _days(1)
    unit = "УП Есильского района г. Астаны"
    court = "Специализированный межрайонный административный суд г. Астаны"
    events = (
        Step("police_contacted", day, {"unit": unit, "note": "Полицию вызвали прохожие по 102."}),
        Step("police_arrived", day, {"minutes_after_call": 15, "unit": unit,
                                     "note": "Один молодой сотрудник отнёсся к ней серьёзно."}),
        Step("report_refused", day, {
            "reason": "natural_instincts",
            "quote": "Банальное проявление естественных мужских инстинктов при виде симпатичной женщины.",
            "unit": unit, "officer": "дежурный, фамилию не назвал",
            "note": "Ни камер, ни аудиозаписи: ей фактически сказали идти домой."}),
        Step("report_registered", day, {
            "kui_number": "КУИ № 4512", "initial_article": "CC-121", "unit": unit,
            "note": "Заявление приняли только через пять часов, после вмешательства адвоката."}),
        Step("requalified", next_day, {"from_article": "CC-121", "to_article": "CAO-434",
                                       "note": "Переквалифицировали на мелкое хулиганство."}),
        Step("sent_to_court", next_day, {"article": "CAO-434", "court": court}),
        Step("hearing", next_day, {"closed": True, "judge": "судья Бейсенова А.К.",
                                   "defence_arguments": ["mistaken_mutual_attraction", "natural_urges"]}),
        Step("verdict", next_day, {"outcome": "convicted", "article": "CAO-434"}),
        Step("sentence", next_day, {"sentence_type": "fine", "amount": Decimal(MCI[2025] * 15),
                                    "note": "Штраф, без ареста."}),
    )
    return CasePlan(
        survivor={"pseudonym": "Таңғы жүгіру", "sex": "female", "age_at_incident": 31,
                  "birth_year": 1993, "consent_services": True, "consent_matching": True,
                  "consent_statistics": True},
        incident={"date_from": day, "date_to": None, "region": "KZ-71", "city": "astana", "settlement": "",
                  "area": "urban", "place_type": "park", "gbv_type": "sexual_assault",
                  "account": STORY_ASTANA_ACCOUNT},
        suspects=(
            {"full_name": "Жәнібек Сейітов", "phones": "8 (701) 555-12-34", "approx_age": 34, "sex": "male",
             "relation": "stranger",
             "description": "высокий, в тёмном спортивном костюме; тот, кто пытался трогать"},
            {"full_name": "Руслан", "approx_age": 30, "sex": "male", "relation": "stranger",
             "description": "второй, пониже, в кепке; шёл рядом"},
        ),
        events=events,
        witnesses=(
            {"name": "Светлана В.", "contact": "+7 777 555 20 11",
             "statement": "Гуляла с собакой, увидела, как двое бегут за девушкой, закричала и позвонила "
                          "в 102."},
        ),
        referrals=(
            {"kind": "legal_aid", "provider": "Адвокат-волонтёр (pro bono)", "status": "completed",
             "referred_on": day, "closed_on": next_day},
            {"kind": "psychological", "provider": "Психолог кризисного центра", "status": "accepted",
             "referred_on": next_day, "closed_on": None},
        ),
        costs=(
            {"kind": "lawyer", "amount": Decimal(120_000), "payer": "volunteer_pro_bono", "paid_on": next_day,
             "note": "Адвокат работал бесплатно; сумма — оценка стоимости его работы."},
            {"kind": "travel", "amount": Decimal(3_500), "payer": "survivor", "paid_on": day,
             "note": "Такси до отдела."},
        ),
        notes=(
            "В отделении провели пять часов: заявление не хотели принимать. Принял только молодой сотрудник, "
            "который потом сказал, что коллеги его за это осуждают.",
            "В тот же день в том же парке задержали двоих мужчин по подозрению в нападении на другую "
            "женщину; по приметам похожи на тех, кто преследовал нашу подопечную.",
            "Рассмотрение назначили на следующий день, в закрытом режиме. Адвокат работает pro bono.",
            "После постов в Instagram ей пишут с угрозами; посоветовали закрыть профиль, сохраняем "
            "скриншоты.",
        ),
        created_on=day,
        created_time=dt.time(16, 40),
        created_by="caseworker",
        lawyer_assigned=True,
        shared_with_caseworker=False,
    )


def _story_oral(today: dt.date) -> CasePlan:
    """Six months later in Oral: the same man, his name in Latin letters; "he is married", "she is
    mad", he was "removing a stain"; a volunteer student lawyer she pays herself; a lenient fine."""
    day = dt.date(2025, 11, 8)
    unit = "Орал қалалық полиция басқармасы"
    court = "Орал мамандандырылған әкімшілік соты"
    events = (
        Step("police_contacted", day, {"unit": unit}),
        Step("report_registered", day + _days(1), {"kui_number": "КУИ № 11873", "initial_article": "CC-121",
                                                   "unit": unit}),
        Step("requalified", day + _days(6), {"from_article": "CC-121", "to_article": "CAO-434",
                                             "note": "Іс ұсақ бұзақылық ретінде қайта сараланды."}),
        Step("sent_to_court", day + _days(9), {"article": "CAO-434", "court": court}),
        Step("hearing", day + _days(16), {
            "closed": False, "judge": "судья Тлеуова Г.М.",
            "defence_arguments": ["married_family_man", "removing_stain", "victim_mentally_unstable"],
            "note": "Қорғаушы: ол үйленген, қыз ақылынан адасқан, ол тек дақты тазалаған. Судья дақ туралы "
                    "уәжді қабылдамады."}),
        Step("verdict", day + _days(16), {"outcome": "convicted", "article": "CAO-434"}),
        Step("sentence", day + _days(16), {"sentence_type": "fine", "amount": Decimal(MCI[2025] * 10)}),
    )
    return CasePlan(
        survivor={"pseudonym": "Шағала-07", "sex": "female", "age_at_incident": 19, "birth_year": 2006,
                  "consent_services": True, "consent_matching": True, "consent_statistics": True},
        incident={"date_from": day, "date_to": None, "region": "KZ-27", "city": "oral", "settlement": "",
                  "area": "urban", "place_type": "street", "gbv_type": "sexual_assault",
                  "account": STORY_ORAL_ACCOUNT},
        suspects=(
            {"full_name": "ZHANIBEK SEITOV", "phones": "+7 701 555 1234", "approx_age": 35, "sex": "male",
             "relation": "stranger",
             "description": "үйленген дейді; сотта мемлекет тағайындаған адвокат қорғады"},
        ),
        events=tuple(s for s in events if s.date <= today),
        witnesses=(),
        referrals=(
            {"kind": "legal_aid", "provider": "Заң факультетінің студенті (ерікті)", "status": "completed",
             "referred_on": day + _days(2), "closed_on": day + _days(16)},
        ),
        costs=(
            {"kind": "lawyer", "amount": Decimal(40_000), "payer": "survivor", "paid_on": day + _days(3),
             "note": "Ерікті студент-заңгердің жол және құжат шығындарын зардап шегуші өзі төледі."},
        ),
        notes=(
            "Мемлекет күдіктіге тегін адвокат берді, ал зардап шегуші заңгерге өзі төлейді.",
            "Жаза жеңіл болды: шағын айыппұл ғана.",
        ),
        created_on=day + _days(1),
        created_time=dt.time(11, 15),
        created_by="caseworker",
        lawyer_assigned=True,
        shared_with_caseworker=False,
    )


# --- The plan and the writing -------------------------------------------------------------------------


def plan_cases(*, count: int, seed: int, today: dt.date) -> list[CasePlan]:
    """`count` cases (at least the two of the story), the same for the same arguments."""
    rng = random.Random(seed)
    numbers = _Numbers(used={"7015551234"})
    slots = [_Slot(kind=p.kind, planted=p) for p in PLANTED[: max(0, count - 2)]]
    kinds = {k: v.weight for k, v in KINDS.items()}
    slots += [_Slot(kind=_weighted(rng, kinds)) for _ in range(max(0, count - 2 - len(slots)))]
    # Every pathway appears at least once, in a case where it fits; the rest follow each kind's odds.
    for name, scenario in SCENARIOS.items():
        fitting = [s for s in slots
                   if not s.scenario and name in KINDS[s.kind].scenarios and s.fits(scenario, today)]
        if fitting:
            rng.choice(fitting).scenario = name
    for slot in slots:
        if not slot.scenario:
            allowed = {k: w for k, w in KINDS[slot.kind].scenarios.items() if slot.fits(SCENARIOS[k], today)}
            slot.scenario = _weighted(rng, allowed or {"intake_only": 1})
    plans = [_story_astana(today), _story_oral(today)]
    plans += [_plan_case(rng, slot, today, numbers) for slot in slots]
    return sorted(plans, key=lambda p: (p.incident["date_from"], p.created_on))


@dataclass(frozen=True)
class DemoResult:
    organisation: Organisation
    accounts: tuple[DemoAccount, ...]
    cases: int


@transaction.atomic
def demo_create(
    *,
    count: int = 300,
    seed: int = 2026,
    today: dt.date | None = None,
    on_case: Callable[[], object] | None = None,
) -> DemoResult:
    """The demo organisation, its four accounts and `count` cases, in one transaction.

    Argon2 runs only for the four accounts; the cases go through the same services as the web
    forms, so they are encrypted, indexed for search and audited exactly as in real use."""
    today = today or timezone.localdate()
    organisation = Organisation.objects.create(name=ORGANISATION_NAME, default_language="kk")
    users: dict[str, User] = {}
    accounts = []
    for username, role, first_name, last_name in ACCOUNTS:
        password = temporary_password()  # accounts' own: no second generator to keep in step
        user = User.objects.create_user(username, password=password, first_name=first_name,
                                        last_name=last_name)
        Membership.objects.create(user=user, organisation=organisation, role=role)
        users[username] = user
        accounts.append(DemoAccount(role=str(role), username=username, password=password))
    plans = plan_cases(count=count, seed=seed, today=today)
    for plan in plans:
        # Derived data (statistics) is brought up to date once per case, after all its writes,
        # instead of after each one: the result is the same, and the demo loads several times faster.
        with hooks.case_changes_coalesced():
            _write(plan, users)
        if on_case is not None:
            on_case()
    return DemoResult(organisation=organisation, accounts=tuple(accounts), cases=len(plans))


def _write(plan: CasePlan, users: Mapping[str, User]) -> Case:
    creator, lawyer, coordinator = users[plan.created_by], users["lawyer"], users["coordinator"]
    created_at = timezone.make_aware(dt.datetime.combine(plan.created_on, plan.created_time))
    case = services.case_create(
        actor=creator, survivor=dict(plan.survivor), incident=dict(plan.incident),
        suspects=[dict(s) for s in plan.suspects], created_at=min(created_at, timezone.now()),
    )
    if plan.lawyer_assigned:
        services.case_share(actor=coordinator, case=case, user=lawyer, kind=Assignment.Kind.ASSIGNED)
    if plan.shared_with_caseworker:
        services.case_share(actor=coordinator, case=case, user=users["caseworker"],
                            kind=Assignment.Kind.SHARED)
    court = {"sent_to_court", "hearing", "verdict", "sentence", "appeal"}
    for step in plan.events:
        actor = lawyer if plan.lawyer_assigned and step.type in court else creator
        services.pathway_event_add(actor=actor, case=case, event_type=step.type, date=step.date,
                                   data=dict(step.data))
    for witness in plan.witnesses:
        services.witness_add(actor=creator, case=case, data=dict(witness))
    for referral in plan.referrals:
        services.referral_add(actor=creator, case=case, data=dict(referral))
    for cost in plan.costs:
        services.cost_add(actor=creator, case=case, data=dict(cost))
    for text in plan.notes:
        services.note_add(actor=creator, case=case, text=text)
    return case


def accounts_text(result: DemoResult, url: str) -> str:
    """What `aigaq demo` prints and writes to demo-accounts.txt."""
    lines = [
        f"Aigaq demo: {url}",
        f"Organisation: {result.organisation.name}",
        "",
        f"{'role':<13}{'username':<13}password",
        *(f"{a.role:<13}{a.username:<13}{a.password}" for a in result.accounts),
    ]
    return "\n".join(lines) + "\n"

