"""The label schema: the TOML file (`toml_file`) and the schema as stored (`stored`, `catalog`)."""
