"""The English option of the reports: Vietnamese text in, English text out.

Reports are written in Vietnamese; the Vietnamese sentence itself is the key of its
English translation (the gettext convention, without .po files: the catalogue is small
and lives here, next to the code). ``tests/test_i18n.py`` fails when a text shown in a
report has no English entry. Data from the inputs (unit names, criterion names, legal
basis) is shown as given; band and level names are translated when the catalogue knows
them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from scoring.errors import ScoringError
from scoring.lang import LANGUAGES

if TYPE_CHECKING:
    import jinja2

EN: dict[str, str] = {
    # trends.html (scoring.render.trends)
    "Xu hướng qua các năm": "Trends over the years",
    "Xu hướng chính quyền điện tử qua các năm %(first)s–%(last)s": (
        "E-government trends %(first)s–%(last)s"
    ),
    "Mỗi dòng là một đơn vị theo dòng thay đổi của nó (sáp nhập, chia tách, đổi tên theo "
    "data/unit_changes.csv): đơn vị sáp nhập được xem cùng các đơn vị trước sáp nhập. Mỗi ô: "
    "tỷ lệ điểm đạt, hạng trong cấp, xếp loại; (TĐ) là số tự đánh giá, chưa thẩm định.": (
        "Each row is a unit followed through its changes (mergers, splits, renames in "
        "data/unit_changes.csv): a merged unit is shown with the units it came from. Each "
        "cell: percent achieved, rank within the level, band; (SA) marks a self-assessed, "
        "unverified figure."
    ),
    "Các nhóm tiêu chí của thành phố": "The city's criteria groups",
    "Tỷ lệ điểm đạt theo nhóm tiêu chí của thành phố qua các năm": (
        "The city's percent achieved per criteria group over the years"
    ),
    "Đơn vị thay đổi xếp loại": "Units that changed band",
    "Năm trước": "Year before",
    "Năm nay": "This year",
    "lên loại": "up a band",
    "xuống loại": "down a band",
    "Không đơn vị nào thay đổi xếp loại.": "No unit changed band.",
    "Tỷ lệ điểm, hạng và xếp loại từng năm": "Percent, rank and band per year",
    "gộp": "merged",
    "TĐ": "SA",
    "Tỷ lệ điểm đạt từng đơn vị qua các năm": "Each unit's percent achieved over the years",
    "Nền xám đậm nhạt là các ngưỡng xếp loại; mỗi kiểu đường là một mã đơn vị.": (
        "The grey bands behind are the band thresholds; each line style is one unit id."
    ),
    "Tỷ lệ điểm đạt (%)": "Percent achieved (%)",
    "Xu hướng qua các năm (trends.html, trends.pdf)": (
        "Trends over the years (trends.html, trends.pdf)"
    ),
    "Chưa lập báo cáo năm này (make reports YEAR=%(year)s).": (
        "No reports built for this year yet (make reports YEAR=%(year)s)."
    ),
    # year over year (scoring.compare, previous.html.j2)
    "sáp nhập": "merger",
    "chia tách": "split",
    "đổi tên, đổi mã": "renaming",
    "gồm số thẩm định và số tự đánh giá": "verified and self-assessed figures combined",
    "đã thẩm định": "verified",
    "tự đánh giá": "self-assessed",
    "Từ năm %(year)s, đơn vị thay đổi (%(kind)s), trở thành: %(names)s (căn cứ: %(basis)s). "
    "Đây là báo cáo cuối cùng của đơn vị với mã này.": (
        "From %(year)s the unit changes (%(kind)s) and becomes: %(names)s (basis: %(basis)s). "
        "This is the unit's last report under this id."
    ),
    "Từ năm %(year)s, đơn vị được hình thành do %(kind)s từ: %(names)s (căn cứ: %(basis)s).": (
        "From %(year)s the unit is formed by a %(kind)s of: %(names)s (basis: %(basis)s)."
    ),
    "Kết quả năm nay được so với kết quả năm %(year)s của từng đơn vị trước sáp nhập và với "
    "mức gộp của các đơn vị đó (tổng điểm đạt chia tổng điểm tối đa áp dụng).": (
        "This year's result is compared with the %(year)s result of each unit before the "
        "merger and with their combined level (the sum of their points over the sum of "
        "their applicable maxima)."
    ),
    "Điểm năm %(year)s là của đơn vị cũ: so sánh theo tỷ lệ %% điểm đạt.": (
        "The %(year)s points are the former unit's: compared on the percent (%%) achieved."
    ),
    "Năm": "Year",
    "Cơ sở": "Basis",
    "Mức gộp trước sáp nhập": "Combined, before the merger",
    "mức gộp": "combined level",
    "Tỷ lệ điểm đạt: %(before)s (năm %(prev_year)s, %(what)s) → %(after)s (năm %(year)s), "
    "%(diff)s điểm %%.": (
        "Percent achieved: %(before)s (%(prev_year)s, %(what)s) → %(after)s (%(year)s), "
        "%(diff)s points."
    ),
    "Năm %(year)s (gộp)": "%(year)s (combined)",
    "Thay đổi tỷ lệ": "Change in percent",
    "So sánh từng tiêu chí: %(n)s tiêu chí giữ nguyên mã, điểm tối đa và cách tính điểm; "
    '%(m)s tiêu chí đổi điểm. Điểm năm %(year)s của từng tiêu chí ở cột "Năm %(year)s" của '
    "bảng điểm chi tiết.": (
        "Criterion by criterion: %(n)s criteria keep their code, maximum and rule; the "
        'points of %(m)s changed. Each one\'s %(year)s points are in the column "%(year)s" of '
        "the detailed table."
    ),
    "Tiêu chí đổi mã (theo mapping.csv), được so với mã cũ: %(pairs)s.": (
        "Criteria with a new code (mapping.csv), compared with their old code: %(pairs)s."
    ),
    "Không so sánh được từng tiêu chí:": "Not comparable criterion by criterion:",
    "điểm tối đa %(before)s → %(after)s": "maximum %(before)s → %(after)s",
    "cách tính điểm thay đổi": "scoring rule changed",
    "tiêu chí mới": "new criterion",
    "không còn trong bộ tiêu chí năm %(year)s": "no longer in the %(year)s set",
    "Bộ tiêu chí năm %(prev_year)s (phiên bản %(prev_version)s) khác năm %(year)s (phiên "
    "bản %(version)s): tiêu chí nào giữ nguyên mã, điểm tối đa và cách tính điểm vẫn được so "
    "sánh từng tiêu chí; tổng điểm và điểm nhóm so sánh theo các bộ của từng năm.": (
        "The %(prev_year)s criteria set (version %(prev_version)s) differs from %(year)s "
        "(version %(version)s): criteria that keep their code, maximum and rule are still "
        "compared one by one; totals and groups are compared as each year's set gives them."
    ),
    # levels and bands (data, translated when known)
    "cấp huyện": "district level",
    "cấp phòng, ban": "department level",
    "cấp xã": "commune level",
    "Tốt": "Good",
    "Khá": "Fair",
    "Trung bình": "Average",
    "Yếu": "Weak",
    # values
    "Không áp dụng": "Not applicable",
    "Có": "Yes",
    "Không": "No",
    "Bộ tiêu chí năm %(prev_year)s (phiên bản %(prev_version)s) khác năm %(year)s (phiên bản "
    "%(version)s); đơn vị đã thay đổi nên chỉ so sánh tổng điểm và điểm nhóm, theo các bộ của "
    "từng năm.": (
        "The %(prev_year)s criteria set (version %(prev_version)s) differs from %(year)s "
        "(version %(version)s); as the unit itself changed, only totals and groups are "
        "compared, each under its own year's set."
    ),
    "Bộ tiêu chí các năm %(years)s có phần tái dựng, chưa đối chiếu với văn bản gốc.": (
        "The criteria sets of %(years)s are partly reconstructed, not yet checked against "
        "the original texts."
    ),
    "Ngưỡng xếp loại các năm %(years)s có phần suy luận, chưa có văn bản công bố.": (
        "Some band thresholds of %(years)s are inferred, not published."
    ),
    "Chi tiết ở bảng xếp hạng từng năm. Tỷ lệ, hạng và xếp loại tính theo các phần này là kết "
    "quả tham khảo.": (
        "Details in each year's ranking. Percentages, ranks and bands that rest on these parts "
        "are indicative."
    ),
    "Năm %(year)s đơn vị chưa nộp phiếu (0 điểm, hạng %(rank)s/%(peers)s): không có số liệu "
    "để so sánh.": (
        "In %(year)s the unit sent no form (0 points, rank %(rank)s/%(peers)s): there are no "
        "figures to compare with."
    ),
    "Năm %(year)s đơn vị chưa nộp phiếu, không được xếp hạng: không có số liệu để so sánh.": (
        "In %(year)s the unit sent no form and was not ranked: there are no figures to "
        "compare with."
    ),
    # issue 12: units without a form, source notice, leaders' summary, robustness figure
    "Chưa nộp phiếu": "No form sent",
    "Không xếp hạng": "Not ranked",
    "Lý do": "Reason",
    "Tổng số": "Total",
    "tái dựng": "reconstructed",
    "% số lần": "% of runs",
    "90% số lần chạy": "90% of runs",
    "Hạng trong các lần chạy (màu đen: hạng của đơn vị)": (
        "Rank in the runs (black: the unit's rank)"
    ),
    "Chưa nộp phiếu, không xếp hạng (theo bands.yaml: missing: exclude): %(names)s.": (
        "No form sent, not ranked (bands.yaml: missing: exclude): %(names)s."
    ),
    "Số đơn vị được đánh giá: %(n)s (%(sent)s đã nộp phiếu và được xếp hạng; %(missing)s "
    "chưa nộp phiếu, không xếp hạng).": (
        "Units assessed: %(n)s (%(sent)s sent their form and are ranked; %(missing)s sent "
        "none and are not ranked)."
    ),
    "Số đơn vị được đánh giá: %(n)s (%(sent)s đã nộp phiếu; %(missing)s chưa nộp phiếu, xếp "
    "cuối với 0 điểm).": (
        "Units assessed: %(n)s (%(sent)s sent their form; %(missing)s sent none and are "
        "ranked last with 0 points)."
    ),
    "Số đơn vị được đánh giá: %(n)s, đều đã nộp phiếu.": (
        "Units assessed: %(n)s, all of which sent their form."
    ),
    "Điểm trung bình của các đơn vị đã nộp phiếu %(mean)s (%(mean_pct)s), cao nhất %(high)s, "
    "thấp nhất %(low)s.": (
        "Mean score of the units that sent a form %(mean)s (%(mean_pct)s), highest %(high)s, "
        "lowest %(low)s."
    ),
    "Điểm tối đa của một đơn vị nhỏ hơn %(max)s khi có tiêu chí không áp dụng với đơn vị; tỷ "
    "lệ tính trên điểm tối đa áp dụng.": (
        "A unit's maximum is below %(max)s when some criteria do not apply to it; percentages "
        "are of the applicable maximum."
    ),
    "Tỷ lệ điểm đạt trên điểm tối đa áp dụng (%), căn cứ xếp hạng": (
        "Percent of the applicable maximum (%), what the ranks are based on"
    ),
    "Đơn vị không nộp phiếu được ghi trong bảng với 0 điểm và xếp cuối.": (
        "Units that sent no form are listed with 0 points and ranked last."
    ),
    "Đơn vị không nộp phiếu không được xếp hạng; tên các đơn vị này ghi dưới bảng của cấp.": (
        "Units that sent no form are not ranked; they are named under their level's table."
    ),
    "Đến ngày lập báo cáo (%(date)s), cơ quan đánh giá chưa nhận được phiếu tự đánh giá năm "
    "%(year)s của đơn vị (tệp %(file)s).": (
        "By the date of this report (%(date)s), the assessing office had not received the "
        "unit's self-assessment form for %(year)s (file %(file)s)."
    ),
    "Theo quy định xếp hạng năm %(year)s, đơn vị không nộp phiếu không được xếp hạng; "
    "%(peers)s đơn vị đã nộp phiếu của %(level)s được xếp hạng.": (
        "Under the ranking rules of %(year)s, a unit that sent no form is not ranked; the "
        "%(peers)s units of the %(level)s that sent theirs are ranked."
    ),
    "Theo quy định xếp hạng năm %(year)s, đơn vị không nộp phiếu được ghi 0 điểm và xếp cuối "
    "%(level)s, cùng hạng với %(others)s đơn vị khác chưa nộp phiếu.": (
        "Under the ranking rules of %(year)s, a unit that sent no form gets 0 points and is "
        "ranked last at the %(level)s, tied with %(others)s other units that sent none."
    ),
    "Theo quy định xếp hạng năm %(year)s, đơn vị không nộp phiếu được ghi 0 điểm và xếp cuối "
    "%(level)s.": (
        "Under the ranking rules of %(year)s, a unit that sent no form gets 0 points and is "
        "ranked last at the %(level)s."
    ),
    "Khi đơn vị gửi phiếu, báo cáo được lập lại với điểm của đơn vị.": (
        "When the unit sends its form, this report is rebuilt with its scores."
    ),
    "Năm %(year)s đơn vị cũng chưa nộp phiếu.": "In %(year)s the unit sent no form either.",
    "Năm %(year)s: %(total)s/%(max)s điểm, hạng %(rank)s/%(peers)s, xếp loại %(band)s "
    "(%(basis)s).": (
        "%(year)s: %(total)s/%(max)s points, rank %(rank)s/%(peers)s, band %(band)s (%(basis)s)."
    ),
    "điểm thẩm định": "verified score",
    "điểm tự đánh giá, chưa thẩm định": "self-assessed, not verified",
    "Lưu ý về nguồn:": "About the sources:",
    "Một phần bộ tiêu chí năm %(year)s là tái dựng, chưa đối chiếu với văn bản gốc:": (
        "Part of the %(year)s criteria is a reconstruction, not yet checked against the "
        "original text:"
    ),
    "%(level)s %(n)s/%(total)s mục, trong các nhóm %(groups)s": (
        "%(level)s %(n)s/%(total)s items, in groups %(groups)s"
    ),
    "Ngưỡng xếp loại %(bands)s là suy luận, chưa có văn bản công bố.": (
        "The thresholds of the bands %(bands)s are inferred, not published."
    ),
    "Trong bảng điểm chi tiết, mục tái dựng được đánh dấu ◊.": (
        "In the detailed table, reconstructed items are marked ◊."
    ),
    "Điểm, xếp loại và thứ hạng tính theo các phần này là kết quả tham khảo, có thể thay đổi "
    "khi có văn bản chính thức.": (
        "Scores, bands and ranks that rest on these parts are indicative and may change once "
        "the official text is available."
    ),
    "Tóm tắt kết quả xếp hạng chính quyền điện tử năm %(year)s": (
        "E-government ranking %(year)s: summary"
    ),
    "Số đơn vị theo xếp loại": "Units per band",
    "Năm tiêu chí yếu nhất toàn thành phố": "The five weakest criteria city-wide",
    "Tỷ lệ trung bình": "Mean percent",
    "Thay đổi so với năm %(year)s": "Change since %(year)s",
    "Không có dữ liệu năm %(year)s để so sánh.": "No data for %(year)s to compare with.",
    "Tăng nhiều nhất": "Most improved",
    "Giảm nhiều nhất": "Most declined",
    "Tỷ lệ điểm đạt trên điểm tối đa áp dụng của mỗi năm, theo bộ tiêu chí của năm đó.": (
        "Percent of each year's applicable maximum, under that year's criteria set."
    ),
    "Đơn vị cần quan tâm": "Units needing attention",
    "Xếp loại %(band)s": "Band %(band)s",
    "năm trước: %(band)s": "last year: %(band)s",
    "Tụt xếp loại: %(before)s → %(now)s": "Band lost: %(before)s → %(now)s",
    "Không có đơn vị nào xếp loại thấp nhất, tụt xếp loại hay chưa nộp phiếu.": (
        "No unit is in the lowest band, lost a band or sent no form."
    ),
    # unit report: header
    "ỦY BAN NHÂN DÂN THÀNH PHỐ UÔNG BÍ · ĐÁNH GIÁ, XẾP HẠNG CHÍNH QUYỀN ĐIỆN TỬ": (
        "UONG BI CITY PEOPLE'S COMMITTEE · E-GOVERNMENT ASSESSMENT AND RANKING"
    ),
    "Báo cáo kết quả đánh giá mức độ chính quyền điện tử năm %(year)s": (
        "E-government maturity assessment report %(year)s"
    ),
    "Cấp đánh giá": "Assessed as",
    "Bộ tiêu chí": "Criteria set",
    "phiên bản": "version",
    "Căn cứ": "Legal basis",
    "%(total)s/%(max)s điểm": "%(total)s/%(max)s points",
    "Xếp loại": "Band",
    "Hạng %(rank)s/%(peers)s %(level)s": "Rank %(rank)s/%(peers)s at %(level)s",
    "Điểm thẩm định": "Verified score",
    "Điểm tự đánh giá (chưa thẩm định)": "Self-assessed score (not verified)",
    "Một số tiêu chí không áp dụng với đơn vị: điểm tối đa giảm từ %(full)s xuống %(max)s, "
    "tỷ lệ tính trên điểm tối đa đã giảm.": (
        "Some criteria do not apply to the unit: the maximum is reduced from %(full)s to "
        "%(max)s and the percentage is of the reduced maximum."
    ),
    "Nhóm tiêu chí": "Criteria group",
    "Điểm đạt": "Points",
    "Tối đa": "Maximum",
    "Tỷ lệ": "Percent",
    "Tổng cộng": "Total",
    # unit report: sections
    "Điểm theo nhóm tiêu chí": "Points by criteria group",
    "So sánh với các đơn vị cùng cấp": "Compared with units of the same level",
    "Các tiêu chí chưa đạt điểm tối đa, cần khắc phục": (
        "Criteria below their maximum, to improve"
    ),
    "Tự đánh giá và thẩm định": "Self-assessment and verification",
    "So sánh với năm trước": "Compared with the previous year",
    "Điểm chi tiết từng tiêu chí": "Points for every criterion",
    "Nhận xét của cơ quan đánh giá": "Comments of the assessing office",
    "%(notebook)s, ô số %(cell)s: kết quả dạng %(types)s không đưa được vào báo cáo (HTML, PDF)": (
        "%(notebook)s, cell %(cell)s: an output of type %(types)s cannot be put in the "
        "report (HTML, PDF)"
    ),
    "Cảnh báo: %(what)s (%(n)s báo cáo).": "Warning: %(what)s (%(n)s reports).",
    "Cách lập báo cáo": "How this report was made",
    # charts
    "Điểm tối đa": "Maximum",
    "Điểm": "Points",
    "Trung bình các đơn vị cùng cấp": "Mean of units at the same level",
    "% điểm tối đa": "% of maximum",
    "Tổng điểm (tối đa %(max)s)": "Total points (maximum %(max)s)",
    # peers, to improve
    "%(name)s là đơn vị duy nhất được đánh giá ở %(level)s năm %(year)s: "
    "không có đơn vị cùng cấp để so sánh.": (
        "%(name)s is the only unit assessed at %(level)s in %(year)s: there are no units "
        "of the same level to compare with."
    ),
    "%(n)s tiêu chí chưa đạt điểm tối đa, xếp theo số điểm còn có thể đạt thêm "
    "(tổng cộng %(total)s điểm).": (
        "%(n)s criteria are below their maximum, ordered by the points still to gain "
        "(%(total)s points in all)."
    ),
    "Mã": "Code",
    "Tiêu chí": "Criterion",
    "Còn thiếu": "Missing",
    "Đơn vị đạt điểm tối đa ở mọi tiêu chí áp dụng.": (
        "The unit has the maximum in every criterion that applies."
    ),
    "Cần thêm <b>%(points)s</b> điểm để lên hạng %(rank)s.": (
        "<b>%(points)s</b> more points would lift the unit to rank %(rank)s."
    ),
    "Đơn vị đang đứng đầu %(level)s.": "The unit ranks first at %(level)s.",
    "Cần thêm <b>%(points)s</b> điểm để đạt xếp loại <b>%(band)s</b>.": (
        "<b>%(points)s</b> more points would reach the band <b>%(band)s</b>."
    ),
    # verification
    "Phiếu của đơn vị chưa được thẩm định: điểm trong báo cáo là điểm tự đánh giá.": (
        "The unit's form has not been verified: the scores in this report are self-assessed."
    ),
    "Điểm tự đánh giá %(own)s, điểm thẩm định %(verified)s (chênh lệch %(diff)s điểm).": (
        "Self-assessed %(own)s points, verified %(verified)s points (difference %(diff)s points)."
    ),
    "Các tiêu chí có điểm thẩm định khác điểm tự đánh giá:": (
        "Criteria whose verified points differ from the self-assessed ones:"
    ),
    "Tự đánh giá": "Self-assessed",
    "Thẩm định": "Verified",
    "Chênh lệch": "Difference",
    "Số liệu cơ quan thẩm định đã điều chỉnh, với lý do:": (
        "Figures the assessing office changed, with the reasons:"
    ),
    "Chỉ tiêu": "Input",
    "Đơn vị tự đánh giá": "Unit's figure",
    "Lý do điều chỉnh": "Reason for the change",
    "Phiếu thẩm định": "Verification form",
    # previous year
    "Không có dữ liệu năm %(year)s của đơn vị để so sánh.": (
        "The unit has no data for %(year)s to compare with."
    ),
    "Không đọc được dữ liệu năm %(year)s (có phiếu bị lỗi): chưa so sánh được với năm trước.": (
        "The data of %(year)s cannot be read (a form has errors): no comparison with the "
        "previous year."
    ),
    "Năm %(year)s": "%(year)s",
    "Thay đổi": "Change",
    "Tổng điểm": "Total points",
    "%(diff)s điểm %%": "%(diff)s percentage points",
    "Hạng": "Rank",
    "Nhóm %(code)s": "Group %(code)s",
    "giữ nguyên": "unchanged",
    "tăng %(n)s bậc": "up %(n)s",
    "giảm %(n)s bậc": "down %(n)s",
    # criteria table, provenance
    "Tiêu chí / chỉ tiêu": "Criterion / indicator",
    "Số liệu đơn vị báo cáo": "Figures reported by the unit",
    "Phiếu của đơn vị": "Unit's form",
    "Danh sách đơn vị": "Unit list",
    "Phần mềm": "Software",
    "Ngày lập": "Date",
    "Điểm được tính trên số chưa làm tròn; báo cáo làm tròn đến hai chữ số thập phân. "
    "Đơn vị có tổng điểm bằng nhau được xếp cùng hạng.": (
        "Points are computed unrounded and shown to two decimals. Units with equal totals "
        "share a rank."
    ),
    # ranking
    "Kết quả xếp hạng mức độ chính quyền điện tử năm %(year)s": (
        "E-government maturity ranking %(year)s"
    ),
    "phiên bản %(version)s, tối đa %(max)s điểm": "version %(version)s, maximum %(max)s points",
    "từ %(min)s%%": "from %(min)s%%",
    "tỷ lệ trên điểm tối đa áp dụng": "percent of the applicable maximum",
    "So với năm trước": "Change since last year",
    "Số đơn vị: %(n)s. Điểm trung bình %(mean)s (%(mean_pct)s), cao nhất %(high)s, "
    "thấp nhất %(low)s.": (
        "Units: %(n)s. Mean %(mean)s (%(mean_pct)s), highest %(high)s, lowest %(low)s."
    ),
    "Điểm tự đánh giá, chưa thẩm định.": "Self-assessed score, not verified.",
    "Xếp hạng trong từng cấp theo tỷ lệ điểm đạt trên điểm tối đa áp dụng (điểm quy đổi), "
    "cùng con số dùng để xếp loại; các đơn vị bằng điểm cùng hạng và bỏ qua hạng kế tiếp.": (
        "Units are ranked within each level on the percent of their applicable maximum (the "
        "converted score), the same figure the bands are read from; units with equal scores "
        "share a rank and the next rank is skipped."
    ),
    "Xếp hạng trong từng cấp theo tổng điểm đạt; các đơn vị bằng điểm cùng hạng và bỏ qua "
    "hạng kế tiếp.": (
        "Units are ranked within each level on their total points; units with equal scores "
        "share a rank and the next rank is skipped."
    ),
    "Độ vững: hạng %(rank)s trong ít nhất 90%% trường hợp; giữ xếp loại %(band)s trong "
    "%(kept)s trường hợp.": (
        "Robustness: rank %(rank)s in at least 90%% of cases; keeps the band %(band)s in "
        "%(kept)s of cases."
    ),
    "Độ vững: hạng %(rank)s (khoảng %(low)s–%(high)s trong 90%% trường hợp); giữ xếp loại "
    "%(band)s trong %(kept)s trường hợp.": (
        "Robustness: rank %(rank)s (between %(low)s and %(high)s in 90%% of cases); keeps the "
        "band %(band)s in %(kept)s of cases."
    ),
    "Phân tích %(runs)s lần chạy: trọng số các nhóm và nhóm con dao động ±%(spread)s; "
    "điểm của các đơn vị chưa thẩm định dao động theo chênh lệch giữa điểm tự đánh giá và "
    "điểm thẩm định đã thấy ở %(n)s đơn vị được thẩm định.": (
        "An analysis of %(runs)s runs: the weights of groups and sub-groups vary by "
        "±%(spread)s; the scores of units not verified vary by the differences between "
        "self-assessed and verified scores seen at %(n)s verified units."
    ),
    "Hạng (90%%)": "Rank (90%%)",
    'Độ vững của thứ hạng: cột "Hạng (90%%)" là hạng trung vị và, trong ngoặc, khoảng hạng '
    "trong 90%% số lần chạy. Bỏ riêng từng nhóm tiêu chí, thứ hạng dịch chuyển trung bình:": (
        'Robustness of the ranks: the column "Rank (90%%)" is the median rank and, in '
        "brackets, the range of ranks in 90%% of the runs. Leaving out one group of criteria "
        "at a time, ranks move on average by:"
    ),
    "%(shift)s bậc": "%(shift)s places",
    "Tình trạng phiếu": "Forms",
    "Tình hình nộp phiếu": "Forms received",
    "Số đơn vị": "Units",
    "Phải nộp": "Expected",
    "Đã nộp": "Received",
    "Đã thẩm định": "Verified",
    "Chưa nộp": "Missing",
    "Có cảnh báo": "With warnings",
    "Cấp huyện (thành phố)": "District (city)",
    "Các phòng, ban": "Departments",
    "Các phường, xã": "Wards and communes",
    "%(title)s (tối đa %(max)s điểm)": "%(title)s (maximum %(max)s points)",
    # build: titles, ranking.xlsx, console
    "%(name)s – Chính quyền điện tử năm %(year)s": "%(name)s – e-government %(year)s",
    "Xếp hạng chính quyền điện tử năm %(year)s": "E-government ranking %(year)s",
    "Mã đơn vị": "Unit id",
    "Tỷ lệ (%)": "Percent",
    "Điểm tự đánh giá": "Self-assessed points",
    "Điểm từng tiêu chí": "Points per criterion",
    "Mã tiêu chí": "Criterion code",
    "Áp dụng": "Applies",
    "Năm %(year)s: lập %(built)s báo cáo, giữ nguyên %(skipped)s báo cáo không đổi, "
    "lỗi %(failed)s. Tổng thời gian các tác vụ %(secs)s giây; bộ nhớ đỉnh mỗi tiến "
    "trình %(peak)s MB (nhân Jupyter của nó %(kernel)s MB).": (
        "%(year)s: %(built)s reports built, %(skipped)s unchanged, %(failed)s failed. "
        "Task time %(secs)s s in all; peak memory per worker %(peak)s MB (its Jupyter "
        "kernel %(kernel)s MB)."
    ),
    "  Lỗi báo cáo %(name)s (%(level)s): %(error)s": (
        "  Report %(name)s (%(level)s) failed: %(error)s"
    ),
    "Năm %(year)s: không có gì thay đổi từ lần lập trước (dữ liệu, mã nguồn, báo cáo); "
    "giữ nguyên %(n)s báo cáo.": (
        "%(year)s: nothing changed since the last build (data, code, reports); %(n)s reports kept."
    ),
    # page, index
    "Trang": "Page",
    "Báo cáo đánh giá chính quyền điện tử": "E-government assessment reports",
    "ỦY BAN NHÂN DÂN THÀNH PHỐ UÔNG BÍ": "UONG BI CITY PEOPLE'S COMMITTEE",
    "Báo cáo đánh giá, xếp hạng chính quyền điện tử": "E-government assessment and ranking reports",
    "Lọc theo tên đơn vị:": "Filter by unit name:",
    "Ví dụ: Vàng Danh": "e.g. Vàng Danh",
    "Bảng xếp hạng:": "Ranking:",
    "Đơn vị": "Unit",
    "Cấp": "Level",
    "Báo cáo": "Report",
    "Chưa có báo cáo nào.": "No reports yet.",
    "chưa lập được": "not built",
    # make share: the site, the booklet, the province's copy, the messages, the console
    "Kết quả đánh giá mức độ chính quyền điện tử năm %(year)s": (
        "E-government maturity assessment results %(year)s"
    ),
    "Bảng xếp hạng": "Ranking",
    "Tập báo cáo in (PDF)": "Printed booklet (PDF)",
    "Diễn biến qua các năm": "Trends over the years",
    "Số liệu:": "Data:",
    "Tải toàn bộ (tệp nén .zip)": "Download everything (.zip)",
    "Mục lục": "Contents",
    "hạng %(rank)s/%(peers)s, %(band)s": "rank %(rank)s/%(peers)s, %(band)s",
    "Kết quả đánh giá": "Assessment",
    "Nhóm con": "Sub-group",
    "Minh chứng": "Evidence",
    "Điểm đạt là điểm chính thức: điểm thẩm định khi đơn vị đã được thẩm định, nếu không là "
    "điểm tự đánh giá.": (
        "Points are the official score: the verified one where the unit was verified, else "
        "the self-assessed one."
    ),
    "Chưa có báo cáo năm %(year)s trong %(folder)s: chạy make reports YEAR=%(year)s trước.": (
        "No reports for %(year)s in %(folder)s: run make reports YEAR=%(year)s first."
    ),
    "Báo cáo năm %(year)s trong %(folder)s chưa theo dữ liệu hiện tại (%(what)s): "
    "chạy make reports YEAR=%(year)s trước khi chia sẻ.": (
        "The %(year)s reports in %(folder)s do not show the current data (%(what)s): "
        "run make reports YEAR=%(year)s before sharing."
    ),
    "Năm %(year)s: trang web %(site)s (%(n)s tệp) và %(zip)s; %(messages)s thư nháp "
    "trong %(outbox)s; bản gửi tỉnh trong %(province)s; tập báo cáo %(booklet)s.": (
        "Year %(year)s: site %(site)s (%(n)s files) and %(zip)s; %(messages)s draft "
        "messages in %(outbox)s; the province's copy in %(province)s; booklet %(booklet)s."
    ),
    "Đơn vị chưa có địa chỉ thư điện tử (cột email của units.csv), chưa lập thư: %(n)s": (
        "Units without an e-mail address (the email column of units.csv), no message "
        "prepared: %(n)s"
    ),
    "Năm %(year)s: không có gì thay đổi từ lần chia sẻ trước; giữ nguyên các tệp.": (
        "Year %(year)s: nothing changed since the last share; every file kept."
    ),
}


def check(lang: str) -> str:
    """``lang`` itself when it is a language the reports are written in."""
    if lang not in LANGUAGES:
        raise ScoringError(
            f"Ngôn ngữ '{lang}' không hỗ trợ; chọn một trong: {', '.join(LANGUAGES)}"
        )
    return lang


def translator(lang: str) -> Callable[[str], str]:
    """The function that puts a Vietnamese text into ``lang`` (unknown texts stay as given)."""
    if check(lang) == "vi":
        return _same
    return _english


def install(env: jinja2.Environment, lang: str) -> jinja2.Environment:
    """Give a Jinja environment (with the i18n extension) ``_()`` for ``lang``.

    Newstyle gettext: ``_("Hạng %(rank)s", rank=r)`` formats and escapes its arguments.
    """
    translate = translator(lang)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=translate,
        ngettext=lambda one, many, n: translate(one if n == 1 else many),
        newstyle=True,
    )
    return env


def _same(text: str) -> str:
    return text


def _english(text: str) -> str:
    return EN.get(text, text)
