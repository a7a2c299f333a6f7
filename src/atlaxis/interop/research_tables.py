"""The tables of a de-identified research export and every column's meaning (the codebook).

The codebook is generated from these specs, so every column written is described.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlaxis.instruments.definitions.diary import INSTRUMENT as DIARY


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string | integer | number | boolean | date
    description: str
    notes_only: bool = False  # written only with --include-notes


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]

    def names(self, include_notes: bool) -> list[str]:
        return [c.name for c in self.columns if include_notes or not c.notes_only]


PID = Column(
    "patient_pid",
    "string",
    "Pseudonymous patient id: HMAC-SHA256 of the record keyed by the clinic secret, 64 bits.",
)
SHIFTED = "shifted by the patient's offset (±1–365 days; intervals kept)"
STUDY_DAY = Column(
    "study_day",
    "integer",
    "Days since the patient's first care start (0 = care start, negative = before care).",
)

DIARY_ITEMS = tuple(i.id for i in DIARY.items if i.type == "integer")

TABLES: tuple[Table, ...] = (
    Table(
        "patients",
        "One row per patient.",
        (
            PID,
            Column(
                "site_pid", "string", "Pseudonymous clinic id (HMAC keyed by the clinic secret)."
            ),
            Column("sex", "string", "Sex recorded at intake: female, male, other, unknown."),
            Column(
                "age_at_care_start",
                "string",
                "Age in whole years at the first care start; 90 and over grouped as '90+' "
                "(Safe Harbor); empty when the birth date or care start is unknown.",
            ),
            Column("n_episodes", "integer", "Episodes of care recorded."),
        ),
    ),
    Table(
        "episodes",
        "Episodes of care.",
        (
            PID,
            Column("episode", "integer", "Episode number within the patient (1 = first)."),
            Column("care_start", "date", f"Day care started, {SHIFTED}."),
            Column("ended_on", "date", f"Day the episode ended (empty = ongoing), {SHIFTED}."),
            STUDY_DAY,
            Column(
                "conditions",
                "string",
                "Condition codes treated, ';'-separated (free-text entries are removed).",
            ),
            Column(
                "goals",
                "string",
                "The patient's goals, scrubbed of obvious identifiers.",
                notes_only=True,
            ),
        ),
    ),
    Table(
        "assessments",
        "Questionnaire responses with their scores.",
        (
            PID,
            Column("assessment_pid", "string", "Pseudonymous response id (keyed HMAC)."),
            Column("instrument", "string", "Instrument id (see docs/reference/instruments.md)."),
            Column("version", "string", "Instrument version scored."),
            Column("taken_on", "date", f"Day the response was taken, {SHIFTED}."),
            STUDY_DAY,
            Column("total", "number", "Total score on the published scale (empty if incomplete)."),
            Column("band", "string", "Interpretation band of the total."),
            Column(
                "complete", "boolean", "Whether the published missing-data rule allowed a total."
            ),
            Column("flags", "string", "Safety/criteria flags, ';'-separated."),
            Column("subscales", "string", "Subscale scores as a JSON object."),
        ),
    ),
    Table(
        "assessment_items",
        "Item answers of every response (long format).",
        (
            PID,
            Column("assessment_pid", "string", "The response (see assessments)."),
            Column("instrument", "string", "Instrument id."),
            Column("item", "string", "Item id (the published item number)."),
            Column(
                "value",
                "string",
                "Answer code as text (lists ';'-separated; dates shifted; free-text answers are "
                "removed unless --include-notes, then scrubbed).",
            ),
        ),
    ),
    Table(
        "diary",
        "Daily check-ins.",
        (
            PID,
            Column("date", "date", f"The patient's calendar day of the entry, {SHIFTED}."),
            STUDY_DAY,
            *(Column(i, "number", f"Diary rating {i} (0–10).") for i in DIARY_ITEMS),
            Column("body_map", "string", "Painful body sites (WPI site ids), ';'-separated."),
            Column("recalled", "boolean", "Entered later from memory rather than on the day."),
            Column(
                "note",
                "string",
                "The patient's note, scrubbed of obvious identifiers.",
                notes_only=True,
            ),
        ),
    ),
    Table(
        "visits",
        "Care visits.",
        (
            PID,
            Column("date", "date", f"Day of the visit, {SHIFTED}."),
            STUDY_DAY,
            Column("technique", "string", "Technique used."),
            Column("decision", "string", "adjusted, held, referred or deferred."),
            Column("listing", "string", "Listing (the clinician's notation of the misalignment)."),
            Column("rule_applied", "string", "Decision rule applied."),
            Column("reaction", "string", "Reaction reported after the visit."),
            Column(
                "pre_checks",
                "string",
                "Findings before the adjustment (JSON: leg check, "
                "posture and radiographic measures).",
            ),
            Column("post_checks", "string", "Findings after the adjustment (JSON)."),
            Column("notes", "string", "Visit notes, scrubbed.", notes_only=True),
            Column("reaction_note", "string", "Reaction note, scrubbed.", notes_only=True),
        ),
    ),
    Table(
        "cotherapies",
        "Co-therapies (other care during the same period).",
        (
            PID,
            Column(
                "kind",
                "string",
                "nutrition, stress_reduction, trauma_informed_therapy, "
                "physiotherapy, medication, other.",
            ),
            Column("started_on", "date", f"Start day, {SHIFTED}."),
            Column("ended_on", "date", f"End day (empty = ongoing), {SHIFTED}."),
            STUDY_DAY,
            Column("name", "string", "Name of the co-therapy, scrubbed.", notes_only=True),
            Column("dose", "string", "Dose, scrubbed.", notes_only=True),
        ),
    ),
    Table(
        "alerts",
        "Safety and screening alerts (decision support for clinicians).",
        (
            PID,
            Column("raised_on", "date", f"Day the alert was raised, {SHIFTED}."),
            STUDY_DAY,
            Column("code", "string", "Rule code."),
            Column("kind", "string", "Alert kind."),
            Column("severity", "string", "urgent, high, moderate or info."),
            Column("acknowledged", "boolean", "Whether a clinician has acknowledged it."),
        ),
    ),
)

#: HIPAA Safe Harbor identifiers, 45 CFR §164.514(b)(2)(i)(A)–(R), and what the export does
SAFE_HARBOR: tuple[tuple[str, str], ...] = (
    ("A. Names", "Not exported; removed from notes when notes are requested."),
    (
        "B. Geographic subdivisions smaller than a state (incl. ZIP codes)",
        "Not stored or exported; notes lose long digit runs. A ZIP code, if present, keeps its "
        "first three digits only, '000' for areas of 20,000 people or fewer.",
    ),
    (
        "C. Dates (except year) directly related to the individual; ages over 89",
        "Birth dates not exported; ages as whole years with 90+ grouped. Event dates shifted by a "
        "secret per-patient offset (±1–365 days) that keeps intervals; study_day gives days from "
        "care start. Note: Safe Harbor itself allows only the year — shifted dates are a "
        "pseudonymisation; use study_day alone where strict Safe Harbor is required.",
    ),
    ("D. Telephone numbers", "Not exported; removed from notes."),
    ("E. Fax numbers", "Not stored; phone-like numbers removed from notes."),
    ("F. Email addresses", "Not exported; removed from notes."),
    ("G. Social security numbers", "Not stored; SSN-like numbers removed from notes."),
    ("H. Medical record numbers", "Not exported (keyed pseudonyms instead); removed from notes."),
    ("I. Health plan beneficiary numbers", "Not stored; long numbers removed from notes."),
    ("J. Account numbers", "Not stored; long numbers removed from notes."),
    ("K. Certificate/licence numbers", "Not stored; long numbers removed from notes."),
    ("L. Vehicle identifiers and serial numbers", "Not stored; long numbers removed from notes."),
    ("M. Device identifiers and serial numbers", "Not stored; long numbers removed from notes."),
    ("N. Web URLs", "Not stored; URLs removed from notes."),
    ("O. IP addresses", "Not exported (audit log stays in the clinic); removed from notes."),
    ("P. Biometric identifiers", "Not stored."),
    ("Q. Full-face photographs and comparable images", "Not stored or exported."),
    (
        "R. Any other unique identifying number, characteristic or code",
        "Database ids replaced by keyed pseudonyms; clinician ids and co-therapy providers "
        "dropped; free text dropped unless --include-notes.",
    ),
)


def table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)
