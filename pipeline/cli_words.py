"""The command line's own words in Norwegian: typer's panel titles, the usage line, `--help`.

Every message of `alis` is Norwegian, so its help is too: the commands' and
options' texts are in pipeline/cli.py, and the words typer and click add
around them are set here. `Alis` is the typer app whose commands all get them.
"""
from __future__ import annotations

import typer
import typer.rich_utils as rich_words
from typer.core import TyperCommand, TyperGroup

USAGE = "Bruk: "
HELP_OPTION = "Vis denne hjelpen og avslutt."
OPTIONS_METAVAR = "[VALG]"
SUBCOMMAND_METAVAR = "KOMMANDO [ARGUMENTER]..."

rich_words.ARGUMENTS_PANEL_TITLE = "Argumenter"
rich_words.OPTIONS_PANEL_TITLE = "Valg"
rich_words.COMMANDS_PANEL_TITLE = "Kommandoer"
rich_words.ERRORS_PANEL_TITLE = "Feil"
rich_words.DEFAULT_STRING = "[standard: {}]"
rich_words.REQUIRED_LONG_STRING = "[påkrevd]"
rich_words.ABORTED_TEXT = "Avbrutt."
rich_words.RICH_HELP = "Skriv [blue]'{command_path} {help_option}'[/] for hjelp."


class _Norwegian:
    """The usage line and the help option in Norwegian, for a command and for the group alike."""

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option


class NorwegianCommand(_Norwegian, TyperCommand):
    pass


class NorwegianGroup(_Norwegian, TyperGroup):
    pass


class Alis(typer.Typer):
    """A typer app whose commands, added by anyone, all speak Norwegian in their help."""

    def __init__(self, **kwargs):
        super().__init__(cls=NorwegianGroup, options_metavar=OPTIONS_METAVAR,
                         subcommand_metavar=SUBCOMMAND_METAVAR, **kwargs)

    def command(self, *args, cls=NorwegianCommand, **kwargs):
        return super().command(*args, cls=cls, **kwargs)
