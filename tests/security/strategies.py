"""Hypothesis strategies for the fuzzing suite: formulas, filters, scopes and definitions, valid and invalid.

The valid strategies build text from the grammar in docs/formulas.md over one small, fixed data set (`DATA`), so
that a generated KPI or filter always type-checks and must compute. The invalid ones are grammar pieces shuffled,
cut and mixed with characters from other languages, so that every path of the lexer, parser and checker that
reports a mistake is reached.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

# Text that is hard to quote: SQL quotes, backslashes (PostgreSQL's escape character when
# standard_conforming_strings is off), comment and statement separators, unicode, a quote at the end.
NASTY_TEXTS = (
    "EMEA",
    "it's",
    "O'Brien''",
    "back\\",
    "\\' or 1=1 --",
    "'; drop table events; --",
    "a%b_c",
    "Zürich",
    "北京",
    "emoji 🎯",
    "",
    " ",
    "--",
    "/* x */",
    "$$",
    "E'\\x41'",
)

CHANNELS = ("search", "social", "it's", "back\\", "北京", "\\' or 1=1 --")
STATUSES = ("paid", "refunded", "Paid", "")


def _rows() -> dict[str, list[Any]]:
    """24 rows over four months; text columns hold the nasty values, some numbers are empty."""
    days, channels, statuses, amounts, clicks, flags = [], [], [], [], [], []
    for i in range(24):
        days.append(date(2025, 1, 3) + timedelta(days=5 * i))
        channels.append(CHANNELS[i % len(CHANNELS)] if i % 7 else None)
        statuses.append(STATUSES[i % len(STATUSES)])
        amounts.append(None if i % 11 == 5 else float(10 * i + 0.25 * (i % 4)))
        clicks.append(i % 9)
        flags.append(i % 3 == 0)
    return {"day": days, "channel": channels, "status": statuses, "amount": amounts, "clicks": clicks, "flag": flags}


DATA = {"events": _rows()}

DEFINITIONS_HEAD = """
sources:
  - name: events
    table: events
    time: day
    dimensions: [channel, status]
    measures:
      - {name: revenue, agg: sum, expr: amount}
      - {name: clicks, agg: sum, expr: clicks}
      - {name: orders, agg: count}
      - {name: paid, agg: count, filter: "status = 'paid'"}
      - {name: buyers, agg: count_distinct, expr: channel}
      - {name: biggest, agg: max, expr: amount}
      - {name: flagged, agg: sum, expr: "if(flag, amount, 0)"}
"""
MEASURES = ("revenue", "clicks", "orders", "paid", "buyers", "biggest", "flagged")
ADDITIVE = ("revenue", "clicks", "orders", "paid", "flagged")
NUMBER_COLUMNS = ("amount", "clicks")
TEXT_COLUMNS = ("channel", "status")


def definitions(kpis: dict[str, str]) -> str:
    """The fixed source plus the given KPIs (name -> formula), as a definitions file."""
    lines = [DEFINITIONS_HEAD, "kpis:"]
    lines += [f"  - {{name: {name}, formula: {quote_yaml(formula)}}}" for name, formula in kpis.items()]
    return "\n".join(lines) + "\n"


def quote_yaml(text: str) -> str:
    """A YAML double-quoted scalar holding exactly `text`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


numbers = st.one_of(
    st.integers(0, 1000).map(str),
    st.sampled_from(["0.5", "1e3", "2.5E-3", "1_000", ".25"]),
)
# Text a database can hold: any character but control characters and surrogates, plus tab and line breaks
# (the lexer refuses the others in a literal, which the invalid strategies cover).
storable = st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\t\n\r")
text_literals = st.one_of(st.sampled_from(NASTY_TEXTS), st.text(storable, max_size=8))


# --- valid KPI formulas -----------------------------------------------------------------------------------------


def _kpi_leaf() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(MEASURES), numbers.filter(lambda n: n != "0"))


def _kpi_combine(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(inner, inner)
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda x: f"abs({x})"),
        inner.map(lambda x: f"-{x}"),
        pair.map(lambda t: f"coalesce({t[0]}, {t[1]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"if({t[0]} > {t[1]}, {t[1]}, {t[2]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"case when {t[0]} > {t[1]} then {t[1]} else {t[2]} end"),
        st.tuples(inner, inner).map(lambda t: f"case when {t[0]} <= {t[1]} then {t[0]} end"),
        st.tuples(st.sampled_from(["least", "greatest"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        # A measure against 0 only: exact on every backend (a computed value could be 0 on one, 1e-16 on another).
        st.sampled_from(MEASURES).map(lambda m: f"nullif({m}, 0)"),
    )


kpi_arithmetic = st.recursive(_kpi_leaf(), _kpi_combine, max_leaves=8)
_time_calls = st.one_of(
    st.sampled_from(MEASURES).map(lambda m: f"previous({m})"),
    st.tuples(st.sampled_from(MEASURES), st.integers(1, 3)).map(lambda t: f"previous({t[0]}, n={t[1]})"),
    st.sampled_from(MEASURES).map(lambda m: f"growth({m})"),
    st.tuples(st.sampled_from(ADDITIVE), st.integers(1, 3)).map(lambda t: f"rolling({t[0]}, {t[1]})"),
    st.tuples(st.sampled_from(ADDITIVE), st.sampled_from(["quarter", "year"])).map(
        lambda t: f"to_date({t[0]}, '{t[1]}')"
    ),
)
# A KPI must use at least one measure: a formula of literals alone is refused, which the invalid strategy covers.
valid_kpi_formulas = st.one_of(
    kpi_arithmetic,
    st.tuples(kpi_arithmetic, _time_calls).map(lambda t: f"{t[0]} + {t[1]}"),
    _time_calls,
).filter(lambda f: any(m in f for m in MEASURES))


# --- scopes (valid filters are in filters.py, with their Python reference) --------------------------------------

scopes = st.dictionaries(st.sampled_from(TEXT_COLUMNS), text_literals.filter(lambda t: t.strip() != ""), max_size=2)


# --- invalid input ------------------------------------------------------------------------------------------------

_PIECES = (
    "revenue", "clicks", "nope", "events.revenue", "amount", "channel", "(", ")", ",", "+", "-", "*", "/", "=",
    "==", "<", ">=", "<>", "and", "or", "not", "in", "is", "null", "true", "1", "0", "1e", "1_", "0.5.", "'x'",
    "'open", '"dq"', "previous(", "rolling(clicks, 0)", "to_date(revenue, 'week')", "growth(", "if(", "coalesce()",
    "round(revenue, 1.5)", "abs(1, 2)", "n=", ";", "#", "`", "[", "]", "&&", "||", "!", "%", "**", "$", "\\",
    "\x00", "\x1b", "\x85", "\n", "\t", "é", "北", "select", "drop table events", "--", "/*",
    "case", "when", "then", "else", "end", "case when", "starts_with(", "starts_with(channel, 'it')", "like(",
    "like(channel, 'a\\%')", "like(status, channel)", "lower(", "length(amount)", "trim(channel)", "year(day)",
    "hour(day)", "weekday(", "date_trunc('hour', day)", "date_trunc('week', day)", "least(1)", "greatest(",
    "nullif(", "nullif(channel, 1)",
)  # fmt: skip

garbage_formulas = st.one_of(
    st.lists(st.sampled_from(_PIECES), min_size=0, max_size=12).map(" ".join),
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join),
    st.text(max_size=40),
    st.just("1"),
    st.just("1 / 0"),
)


def _yaml_value() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            ["sum", "count", "avg", "wrong", "1", "-1", ".nan", ".inf", "null", "[]", "{}", "~", "'x'", "*a", "&a x"]
        ),
        st.text(max_size=12).map(quote_yaml),
        garbage_formulas.map(quote_yaml),
    )


_KEYS = ("name", "table", "sql", "file", "time", "formula", "agg", "expr", "filter", "unit", "direction", "x")


def _yaml_item() -> st.SearchStrategy[str]:
    pairs = st.lists(st.tuples(st.sampled_from(_KEYS), _yaml_value()), max_size=5)
    return pairs.map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}")


garbage_definitions = st.one_of(
    st.tuples(
        st.sampled_from(["sources", "kpis", "targets", "goals", "other"]), st.lists(_yaml_item(), max_size=4)
    ).map(lambda t: f"{t[0]}:\n" + "".join(f"  - {item}\n" for item in t[1])),
    st.text(max_size=200),
    st.tuples(st.just(DEFINITIONS_HEAD), st.text(max_size=30)).map("".join),
    st.sampled_from(
        [
            "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
            "sources: [\n",
            "kpis:\n  - name: x\n    formula: 1\n  - name: x\n    formula: 2\n",
            "\ufeffkpis: []\n",
            "kpis: !!python/object:os.system 'echo hi'\n",
            "sources:\n  - {name: s, sql: 'select 1; drop table events'}\n",
            "sources:\n  - {name: s, file: '../../../../etc/passwd'}\n",
        ]
    ),
)
