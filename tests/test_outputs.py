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

from scoring.render.driver import Task, run_tasks

pytestmark = pytest.mark.e2e

CELLS = [
    ("md", "## Phần phân tích riêng\n\nĐoạn văn **in đậm** trong ô Markdown."),
    ("code", 'label = "nhãn"  # a cell with no output'),
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
    ("code", "secret_code_marker = 42"),
]


def notebook(path: Path) -> Path:
    cells = [new_code_cell('lang = "vi"', metadata={"tags": ["parameters"]})]
    for kind, source in CELLS:
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
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outputs")
    nb = notebook(tmp / "analysis.ipynb")
    outcomes, _ = run_tasks([task(tmp, nb, "one"), task(tmp, nb, "two")], tmp / "state.json", 2)
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


def test_the_pdf_shows_them_too(rendered):
    tmp, _ = rendered
    reader = PdfReader(tmp / "one.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    for seen in ("Phần phân tích riêng", "Markdown hiển thị", "Xã Một", "Đoạn HTML riêng"):
        assert seen in text, seen
    assert "Dòng in ra: 12,5 điểm" in text
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 3


def test_an_output_that_cannot_be_shown_is_named(rendered):
    _, outcomes = rendered
    cell = 1 + len(CELLS) - 1  # the parameters cell is 1, then CELLS; the widget is last but one
    assert outcomes["one"].warnings == (
        f"analysis.ipynb, ô số {cell}: kết quả dạng "
        "application/vnd.jupyter.widget-view+json không đưa được vào báo cáo (HTML, PDF)",
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


def test_embedded_images_reach_the_pdf_from_memory_once_each(tmp_path):
    """The PDF's page is parsed without the figures' base64 text (``lift_images``): each
    image still reaches the PDF, the same image twice is embedded once, and a data: URI
    shown as text in the page stays text."""
    from scoring.render.pdf import lift_images, write_pdf

    red, blue = _png("#ff0000"), _png("#0000ff")
    shown = f'&lt;img src="data:image/png;base64,{blue}"&gt;'
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        f'<p><img alt="a" src="data:image/png;base64,{red}"></p>'
        f'<p><img src="data:image/png;base64,{red}" width="80"></p>'
        f'<p><img class="x" src="data:image/png;base64,{blue}"/></p>'
        f"<pre>{shown}</pre></body></html>"
    )
    markup, images = lift_images(html)
    assert len(images) == 2 and red not in markup and shown in markup
    assert sorted(mime for mime, _ in images.values()) == ["image/png", "image/png"]
    write_pdf(html, tmp_path / "page.pdf")
    page = PdfReader(tmp_path / "page.pdf").pages[0]
    colours = sorted(image.image.convert("RGB").getpixel((5, 5)) for image in page.images)
    assert colours == [(0, 0, 255), (255, 0, 0)]
    assert "data:image/png;base64" in page.extract_text()
