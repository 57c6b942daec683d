"""Quality evaluation of the analysis stages on the labelled sets in ../shared/data."""
