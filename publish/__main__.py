from publish.cli import cli

cli()
