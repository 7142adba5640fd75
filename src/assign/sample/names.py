"""Synthetic Russian (and Yakut) full names: surname, first name, patronymic, by gender."""

from __future__ import annotations

import numpy as np

_SURNAMES = (
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
)
_YAKUT_SURNAMES = (
    "Слепцов",
    "Винокуров",
    "Аммосов",
    "Местников",
    "Охлопков",
    "Сивцев",
    "Скрябин",
    "Готовцев",
    "Пермяков",
    "Неустроев",
    "Колесов",
    "Саввинов",
    "Докторов",
    "Кривошапкин",
    "Ноговицын",
    "Сыромятников",
    "Эверстов",
    "Осипов",
    "Гоголев",
    "Мординов",
)
_MALE = (
    "Александр",
    "Алексей",
    "Андрей",
    "Антон",
    "Владимир",
    "Дмитрий",
    "Евгений",
    "Иван",
    "Игорь",
    "Константин",
    "Максим",
    "Михаил",
    "Николай",
    "Олег",
    "Павел",
    "Роман",
    "Сергей",
    "Юрий",
    "Виктор",
    "Григорий",
    "Пётр",
    "Семён",
    "Степан",
    "Василий",
    "Айсен",
    "Айтал",
)
_FEMALE = (
    "Анна",
    "Елена",
    "Ольга",
    "Татьяна",
    "Наталья",
    "Ирина",
    "Светлана",
    "Мария",
    "Юлия",
    "Екатерина",
    "Галина",
    "Людмила",
    "Марина",
    "Надежда",
    "Валентина",
    "Оксана",
    "Любовь",
    "Вера",
    "Дарья",
    "Ксения",
    "Алёна",
    "Лилия",
    "Сардана",
    "Туяра",
    "Айталина",
    "Нюргуяна",
)
_PATRONYMIC_ROOTS = (
    "Александров",
    "Алексеев",
    "Андреев",
    "Борисов",
    "Васильев",
    "Викторов",
    "Владимиров",
    "Дмитриев",
    "Евгеньев",
    "Иванов",
    "Игорев",
    "Михайлов",
    "Николаев",
    "Олегов",
    "Павлов",
    "Петров",
    "Романов",
    "Сергеев",
    "Степанов",
    "Юрьев",
    "Семёнов",
    "Фёдоров",
)


def _female_surname(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


# outside Yakutia each Yakut given name drawn becomes a Russian one of its own: one for one,
# so two people share a name exactly where they did (no new namesakes in one school)
_RUSSIAN_FOR_YAKUT = {
    "Сардана": "Евгения",
    "Туяра": "Виктория",
    "Айталина": "Полина",
    "Нюргуяна": "Анастасия",
    "Айсен": "Артём",
    "Айтал": "Денис",
}


def _given(names: tuple[str, ...], index: int, yakut: bool) -> str:
    """The drawn given name; a Yakut one only in a region with Yakut names (where they go
    with Russian surnames too, as they do in Yakutia), elsewhere its Russian stand-in: the
    draws, and every sample region built after them, stay the same."""
    name = names[index]
    return name if yakut else _RUSSIAN_FOR_YAKUT.get(name, name)


def full_name(rng: np.random.Generator, yakut_share: float = 0.0, female_share: float = 0.8) -> str:
    """One synthetic full name; teachers in Russia are mostly women, hence the default share.
    Yakut surnames and given names come only with `yakut_share` (Yakutia's sample)."""
    yakut = yakut_share > 0
    pool = _YAKUT_SURNAMES if rng.random() < yakut_share else _SURNAMES
    surname = str(pool[rng.integers(len(pool))])
    root = str(_PATRONYMIC_ROOTS[rng.integers(len(_PATRONYMIC_ROOTS))])
    if rng.random() < female_share:
        first = _given(_FEMALE, int(rng.integers(len(_FEMALE))), yakut)
        return f"{_female_surname(surname)} {first} {root}на"
    first = _given(_MALE, int(rng.integers(len(_MALE))), yakut)
    return f"{surname} {first} {root}ич"
