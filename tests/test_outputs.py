"""What the notebook shows is what the report shows (issue 11): every kind of output an
analyst may add reaches the HTML and the PDF, code never does, and an output that cannot
be rendered is named (notebook, cell) in a warning.
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from pypdf import PdfReader

from scoring.build.driver import Task, executor, run_tasks

pytestmark = pytest.mark.e2e

CELLS = [
    ("md", "## Phần phân tích riêng\n\nĐoạn văn **in đậm** trong ô Markdown."),
    ("code", 'label = "nhãn"  # a cell with no output'),
    (
        "code",
        "from scoring.views.report.base import Fragment  # a report view: HTML and its Typst form\n"
        'Fragment(\'<h2 class="section">Mục của báo cáo</h2><p class="note">Ghi chú</p>\')',
    ),
    (
        "code",
        "import matplotlib.pyplot as plt\n"
        "plt.plot([1, 2, 3], [3, 1, 2])\n"
        'plt.title("Biểu đồ plt.show")\n'
        "plt.show()",
    ),
    (
        "code",
        "from matplotlib.figure import Figure\n"
        "fig = Figure(figsize=(3, 2))  # not pyplot's: shown once, as the cell's result\n"
        "ax = fig.subplots()\n"
        "ax.bar(['a', 'b'], [1, 2])\n"
        'ax.set_title("Figure trả về")\n'
        "fig",
    ),
    (
        "code",
        "from IPython.display import Markdown\n"
        'Markdown("Kết luận: **Markdown hiển thị** đủ cả chữ có dấu.")',
    ),
    (
        "code",
        "import pandas as pd\n"
        'frame = pd.DataFrame({"đơn vị": ["Xã Một", "Xã Hai"], "điểm": [61.25, 47.5]})\n'
        "frame",
    ),
    ("code", 'frame.style.highlight_max(subset=["điểm"], color="yellow")'),
    ("code", "from IPython.display import HTML\nHTML(\"<p class='mine'>Đoạn HTML riêng</p>\")"),
    (
        "code",
        "import base64, io\n"
        "from IPython.display import Image\n"
        "buffer = io.BytesIO()\n"
        "fig2, ax2 = plt.subplots(figsize=(1, 1))\n"
        "fig2.savefig(buffer, format='png')\n"
        "plt.close(fig2)\n"
        "Image(data=buffer.getvalue())",
    ),
    ("code", 'print("Dòng in ra: 12,5 điểm")'),
    (
        "code",
        "from IPython.display import display\n"
        "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'x', "
        "'version_major': 2, 'version_minor': 0}, 'text/plain': 'IntSlider(value=3)'}, raw=True)",
    ),
    (
        "code",
        "HTML(\"<p>Bản đồ nhúng</p><iframe src='https://example.org/map'></iframe>\")",
    ),
    ("code", "secret_code_marker = 42"),
]
# The same analysis with its Markdown section moved to the end and the Markdown output
# removed, as an analyst reorders a notebook in JupyterLab.
MOVED = [c for c in CELLS[1:] if "Markdown hiển thị" not in c[1]] + CELLS[:1]


def notebook(path: Path, chosen: list[tuple[str, str]] = CELLS) -> Path:
    cells = [new_code_cell('lang = "vi"', metadata={"tags": ["parameters"]})]
    for kind, source in chosen:
        cells.append(new_markdown_cell(source) if kind == "md" else new_code_cell(source))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["kernelspec"]["language"] = "python"
    nbformat.write(nb, path)
    return path


def task(tmp: Path, nb: Path, name: str) -> Task:
    return Task(
        name=name,
        notebook=str(nb),
        parameters={"lang": "vi"},
        executed=str(tmp / "build" / f"{name}.ipynb"),
        html=str(tmp / f"{name}.html"),
        pdf=str(tmp / f"{name}.pdf"),
        title="Thử mọi loại kết quả",
        key=f"k-{name}",
        date="2018-09-18",
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outputs")
    nb = notebook(tmp / "analysis.ipynb")
    moved = notebook(tmp / "moved.ipynb", MOVED)
    tasks = [task(tmp, nb, "one"), task(tmp, nb, "two"), task(tmp, moved, "moved")]
    with executor(2, tmp / "kernels.log") as pool:
        outcomes, _ = run_tasks(tasks, tmp / "state.json", pool, lambda t, o: t.key)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    return tmp, {o.name: o for o in outcomes}


def test_every_kind_of_output_reaches_the_html(rendered):
    tmp, _ = rendered
    html = (tmp / "one.html").read_text(encoding="utf-8")
    assert "Phần phân tích riêng" in html and "<strong>in đậm</strong>" in html
    assert html.count("data:image/png;base64,") == 3  # plt.show(), a returned Figure, Image
    assert "<strong>Markdown hiển thị</strong>" in html
    assert "Xã Một" in html and "61.25" in html  # the DataFrame
    assert html.count("Xã Hai") == 2  # the DataFrame and the Styler
    assert "yellow" in html  # the Styler's own style
    assert "<p class='mine'>Đoạn HTML riêng</p>" in html or 'class="mine"' in html
    assert "Dòng in ra: 12,5 điểm" in html
    # code is never shown, nor matplotlib's echoes of its calls
    for code in ("secret_code_marker", "plt.plot", "frame.style", "Text(0.5", "<matplotlib."):
        assert code not in html, code
    assert "IntSlider" not in html


def pdf_text(pdf: Path) -> str:
    """The PDF's text as poppler's pdftotext reads it, in reading order."""
    import subprocess

    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_pdf_shows_them_too_in_order(rendered):
    """The PDF is typeset from the notebook's outputs in order: a Markdown cell (its
    ``##`` numbered like the report's sections), a Markdown output, the DataFrame, the
    Styler, HTML, printed text, and three images (plt.show(), a returned Figure, Image)."""
    tmp, _ = rendered
    text = pdf_text(tmp / "one.pdf")
    order = [
        "1. Phần phân tích riêng",
        "in đậm",
        "2. Mục của báo cáo",
        "Markdown hiển thị",
        "Xã Một",
        "61,25" if "61,25" in text else "61.25",
        "Đoạn HTML riêng",
        "Dòng in ra: 12,5 điểm",
        "Bản đồ nhúng",
    ]
    places = [text.find(seen) for seen in order]
    assert -1 not in places, dict(zip(order, places, strict=True))
    assert places == sorted(places), dict(zip(order, places, strict=True))
    assert text.count("Xã Hai") == 2  # the DataFrame and the Styler
    for code in ("secret_code_marker", "plt.plot", "frame.style", "Text(0.5", "IntSlider"):
        assert code not in text, code
    reader = PdfReader(tmp / "one.pdf")
    sizes = sorted(image.image.size for page in reader.pages for image in page.images)
    assert len(sizes) == 3, sizes


def test_a_view_carries_its_typst_form_beside_its_html(rendered):
    from scoring.views.typeset.markup import TYPST_MIME

    tmp, _ = rendered
    nb = nbformat.read(tmp / "build" / "one.ipynb", as_version=4)
    view = next(c for c in nb.cells if "Fragment(" in c.source)
    data = view.outputs[0]["data"]
    assert "Mục của báo cáo" in data["text/html"]
    assert data[TYPST_MIME].startswith("#r-section(numbered: true)")


def test_a_section_moved_or_removed_in_the_notebook_moves_in_the_pdf(rendered):
    tmp, _ = rendered
    text = pdf_text(tmp / "moved.pdf")
    assert "Markdown hiển thị" not in text
    assert text.find("Dòng in ra") < text.find("Phần phân tích riêng")


def test_the_pdf_is_the_same_bytes_with_the_reports_date(rendered):
    tmp, _ = rendered
    one, two = (tmp / "one.pdf").read_bytes(), (tmp / "two.pdf").read_bytes()
    assert one == two
    meta = PdfReader(tmp / "one.pdf").metadata
    assert meta is not None and meta.creation_date is not None
    assert meta.creation_date.date().isoformat() == "2018-09-18"
    assert meta.title == "Thử mọi loại kết quả"


def test_an_output_that_cannot_be_shown_is_named(rendered):
    """A widget reaches neither page nor PDF; an HTML frame reaches the page, not the
    PDF: both are named with their notebook and cell, never dropped silently."""
    _, outcomes = rendered
    widget = 1 + len(CELLS) - 2  # the parameters cell is 1, then CELLS; the widget, the frame
    assert outcomes["one"].warnings == (
        f"analysis.ipynb, ô số {widget}: kết quả dạng "
        "application/vnd.jupyter.widget-view+json không đưa được vào báo cáo (HTML, PDF)",
        f"analysis.ipynb, ô số {widget + 1}: <iframe> không in được vào PDF",
    )


def test_the_same_notebook_gives_the_same_bytes(rendered):
    tmp, _ = rendered
    one = (tmp / "one.html").read_text(encoding="utf-8")
    two = (tmp / "two.html").read_text(encoding="utf-8")
    assert re.search(r"T_s1", one)  # the Styler's random id, made stable
    assert one == two


def _png(colour: str) -> str:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def test_embedded_images_reach_the_pdf_once_each(tmp_path):
    """A page's images are typeset from its data: URIs: each reaches the PDF, the same
    image twice is embedded once, and a data: URI shown as text stays text."""
    import datetime as dt

    from scoring.views.typeset import document
    from scoring.views.typeset.html import html_to_typst

    red, blue = _png("#ff0000"), _png("#0000ff")
    shown = f'&lt;img src="data:image/png;base64,{blue[:40]}"&gt;'
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        f'<p><img alt="a" src="data:image/png;base64,{red}"></p>'
        f'<p><img src="data:image/png;base64,{red}" width="80"></p>'
        f'<p><img class="x" src="data:image/png;base64,{blue}"/></p>'
        f"<pre>{shown}</pre></body></html>"
    )
    body = html_to_typst(html)
    assert len(body.images) == 2 and red not in body.typst and body.lost == []
    document.write_pdf(body, "Ảnh", tmp_path / "page.pdf", dt.date(2018, 9, 18))
    page = PdfReader(tmp_path / "page.pdf").pages[0]
    colours = sorted(image.image.convert("RGB").getpixel((5, 5)) for image in page.images)
    assert colours == [(0, 0, 255), (255, 0, 0)]
    assert "data:image/png;base64" in page.extract_text()


def test_every_image_has_alternative_text_in_the_reports_language(rendered):
    """Issue 30: every chart had nbconvert's English "No description has been provided"."""
    tmp, _ = rendered
    page = (tmp / "one.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', page)
    assert alts and "No description" not in page
    assert set(alts) <= {"Biểu đồ"} | set(re.findall(r"!\[([^\]]*)\]", page))
