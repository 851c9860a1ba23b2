"""Files of formats annotator does not read are named as what they are, not misread."""

import json

from annotator.cli.main import main

SPACY_V2 = [
    {
        "id": 0,
        "paragraphs": [
            {
                "raw": "Angela Merkel met Macron.",
                "sentences": [
                    {
                        "tokens": [
                            {"id": 0, "orth": "Angela", "ner": "B-PERSON"},
                            {"id": 1, "orth": "Merkel", "ner": "L-PERSON"},
                            {"id": 2, "orth": "met", "ner": "O"},
                            {"id": 3, "orth": "Macron", "ner": "U-PERSON"},
                            {"id": 4, "orth": ".", "ner": "O"},
                        ]
                    }
                ],
            }
        ],
    }
]
CONLL_2012 = (
    "#begin document (bc/cctv/00/cctv_0001); part 000\n"
    "bc/cctv/00/cctv_0001   0   0   Hi   UH   (TOP(FRAG(INTJ*)  -   -   -   Speaker#1  *   -\n"
    "bc/cctv/00/cctv_0001   0   1   Merkel   NNP   (NP*)  -   -   -   Speaker#1  (PERSON)   -\n"
    "\n#end document\n"
)


def test_a_spacy_v2_training_file_is_named(runner, app, tmp_path):
    path = tmp_path / "train.json"
    path.write_text(json.dumps(SPACY_V2))
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert "this is a spaCy v2 JSON training file" in result.output
    assert "python -m spacy convert" in result.output


def test_a_conll_2012_file_is_named(runner, app, tmp_path):
    path = tmp_path / "cctv_0001.gold_conll"
    path.write_text(CONLL_2012)
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert "this is a CoNLL-2012 (OntoNotes) file" in result.output
