"""The small office apps, one package and one data file each."""
