"""What a caseworker does next for each finding that stops a case (severity review, docs/rules.md §4).

The finding's message says what is wrong; this says what to do about it, in one line.
A rule not listed here shows its message alone.
"""
from __future__ import annotations

REVIEW_ACTIONS = {
    "pipeline.error": "Behandle søknaden manuelt ut fra vedleggene, og meld feilen til den som drifter systemet.",
    "doc.form-invalid": "Hent søknadsskjemaet i Altinn og kontroller år, organisasjonsnummer og søknadsbeløp.",
    "doc.unreadable": "Prøv å åpne filen selv; kan den ikke leses, be kommunen sende den på nytt.",
    "doc.no-text-layer": "Les det skannede dokumentet selv og kontroller opplysningene.",
    "doc.ocr-uncertain": "Finn verdien i det skannede dokumentet og kontroller at den er lest riktig.",
    "doc.budget-missing": "Be kommunen sende budsjettet/beregningsgrunnlaget.",
    "doc.budget-multiple": "Avklar med kommunen hvilket regneark som gjelder.",
    "doc.agreement-missing": "Se etter avtalen blant vedleggene, eller be kommunen sende den.",
    "doc.training-plan-missing": "Se etter utdanningsplanen blant vedleggene, eller be kommunen sende den.",
    "doc.agreement-unsigned": "Kontroller at avtalen er signert og datert av begge parter.",
    "doc.field-missing": "Finn opplysningen i dokumentet, kontroller den og legg den inn eller vurder den selv.",
    "id.orgnr-invalid": "Kontroller organisasjonsnummeret mot Enhetsregisteret.",
    "id.municipality-unknown": "Kontroller kommunenummer og organisasjonsnummer mot kommunelisten.",
    "id.hpr-invalid": "Slå opp legen i Helsepersonellregisteret og kontroller HPR-nummeret.",
    "id.doctor-mismatch": "Kontroller at dokumentene gjelder samme lege, og hvilket dokument som gjelder der de sier ulikt.",
    "id.double-claim": "Avklar hvilken søknad legen hører til, og om månedene overlapper.",
    "doc.correction-outdated": "Se på verdien i den nye filen; rett den på nytt med alis correct, eller fjern "
                               "korrigeringen fra korrigeringsfilen.",
    "doc.correction-invalid": "Rett eller fjern oppføringen i søknadens korrigeringsfil (i mappen corrections ved "
                              "resultatene), eller lag den på nytt med alis correct.",
}


def next_step(rule: str) -> str:
    return REVIEW_ACTIONS.get(rule, "")
