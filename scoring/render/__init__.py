"""The rendering layer: run notebooks (papermill), export HTML (nbconvert), print PDF
(Typst), write the Excel ranking and the index. It sits on top of the scoring core,
which never imports it.
"""
