"""Reading the dashboard's tables through their CSV exports."""

import csv
import io


def exported(client, key: str) -> str:
    """The dashboard table ``key`` as its CSV export's text."""
    return client.get(f"/dashboard/export/{key}.csv").get_data().decode("utf-8-sig")


def workshops_in_region(client) -> str:
    """The "Workshops" figure of the region row in the exported region table."""
    header, region = list(csv.reader(io.StringIO(exported(client, "regions")), delimiter=";"))[1:3]
    return dict(zip(header, region, strict=True))["Workshops"]
