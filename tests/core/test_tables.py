"""A figure table right-aligns a column of numbers whole, its empty cells and heading included."""

from agreements.core.tables import Cell, Table


def test_a_column_with_a_number_in_any_row_is_numeric_and_text_or_dates_are_not():
    table = Table("t", "T", ["Organisation", "Joined on", "Version signed", "Signed"])
    table.rows = [
        [Cell("Paja"), Cell(None), Cell(None), Cell(False)],
        [Cell("Opisto"), Cell("1.11.2026"), Cell(2), Cell(True)],
    ]
    assert table.numeric_columns == {2}


def test_the_dashboard_table_aligns_an_empty_cell_with_the_numbers_above_it(app):
    table = Table("t", "T", ["Organisation", "Version signed"])
    table.rows = [[Cell("Opisto"), Cell(2)], [Cell("Paja"), Cell(None)]]
    with app.test_request_context():
        macros = app.jinja_env.get_template("dashboard/_tables.html").module
        html = str(macros.figure_table(table))
    assert html.count('class="text-end"') == 3  # the heading and both cells
