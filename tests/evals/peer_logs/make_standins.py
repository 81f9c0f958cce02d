"""Run with lmms-eval's environment (it needs `datasets`): `python make_standins.py OUT`.

Stand-in datasets in the hub layout (parquet with HF Image features), small, for running
lmms-eval unchanged on the bundled tiny Idefics2. Rows are also written as JSONL without images."""

import json
import sys
from pathlib import Path

import datasets
from datasets import Features, Sequence, Value
from datasets import Image as HFImage
from PIL import Image, ImageDraw

COLORS = ["red", "green", "blue", "yellow", "teal", "brown", "black", "gray"]
SHAPES = ["circle", "rectangle", "triangle"]


def picture(i):
    color, shape = COLORS[i % len(COLORS)], SHAPES[i % len(SHAPES)]
    img = Image.new("RGB", (64, 64), "white")
    d = ImageDraw.Draw(img)
    if shape == "circle":
        d.ellipse((12, 12, 52, 52), fill=color)
    elif shape == "rectangle":
        d.rectangle((12, 18, 52, 46), fill=color)
    else:
        d.polygon([(32, 10), (54, 52), (10, 52)], fill=color)
    return img, color, shape


def save(out: Path, name, split, rows, features, config=None):
    folder = out / name / (config or "")
    folder.mkdir(parents=True, exist_ok=True)
    ds = datasets.Dataset.from_list(rows, features=features)
    ds.to_parquet(str(folder / f"{split}-00000-of-00001.parquet"))
    plain = [{k: v for k, v in r.items() if not k.startswith("image") and k != "decoded_image"} for r in rows]
    (out / "rows").mkdir(exist_ok=True)
    with open(out / "rows" / f"{name}_{split}.jsonl", "w") as f:
        for r in plain:
            f.write(json.dumps(r) + "\n")


def main(out: Path) -> None:
    N = 12
    # DocVQA (lmms-lab/DocVQA, config DocVQA)
    rows = []
    for i in range(N):
        img, color, shape = picture(i)
        rows.append(
            {
                "questionId": str(50000 + i),
                "question": f"What color is the {shape}?",
                "question_types": ["figure/diagram"],
                "image": img,
                "docId": 100 + i,
                "ucsf_document_id": f"doc{i}",
                "ucsf_document_page_no": "1",
                "answers": [color, f"{color} {shape}"] if i % 3 else [shape],
            }
        )
    save(
        out,
        "DocVQA",
        "validation",
        rows,
        Features(
            {
                "questionId": Value("string"),
                "question": Value("string"),
                "question_types": Sequence(Value("string")),
                "image": HFImage(),
                "docId": Value("int64"),
                "ucsf_document_id": Value("string"),
                "ucsf_document_page_no": Value("string"),
                "answers": Sequence(Value("string")),
            }
        ),
    )
    # TextVQA (lmms-lab/textvqa)
    rows = []
    for i in range(N):
        img, color, shape = picture(i)
        answers = [color] * 6 + [shape] * 4 if i % 4 else [shape] * 10
        rows.append(
            {
                "image_id": f"img{i}",
                "question_id": 34602 + i,
                "question": f"what color is the {shape}?",
                "question_tokens": ["what", "color"],
                "image": img,
                "image_width": 64,
                "image_height": 64,
                "flickr_original_url": "",
                "flickr_300k_url": "",
                "answers": answers,
                "image_classes": ["x"],
                "set_name": "val",
                "ocr_tokens": [],
            }
        )
    save(
        out,
        "textvqa",
        "validation",
        rows,
        Features(
            {
                "image_id": Value("string"),
                "question_id": Value("int32"),
                "question": Value("string"),
                "question_tokens": Sequence(Value("string")),
                "image": HFImage(),
                "image_width": Value("int32"),
                "image_height": Value("int32"),
                "flickr_original_url": Value("string"),
                "flickr_300k_url": Value("string"),
                "answers": Sequence(Value("string")),
                "image_classes": Sequence(Value("string")),
                "set_name": Value("string"),
                "ocr_tokens": Sequence(Value("string")),
            }
        ),
    )
    # VQAv2 (lmms-lab/VQAv2)
    rows = []
    for i in range(N):
        img, color, shape = picture(i)
        words = [color] * 7 + ["dark " + color] * 3 if i % 2 else [shape] * 10
        rows.append(
            {
                "question_type": "what color is the",
                "multiple_choice_answer": words[0],
                "answers": [{"answer": w, "answer_confidence": "yes", "answer_id": k + 1} for k, w in enumerate(words)],
                "image_id": 1000 + i,
                "answer_type": "other",
                "question_id": 262148000 + i,
                "question": f"What color is the {shape}?",
                "image": img,
            }
        )
    save(
        out,
        "VQAv2",
        "validation",
        rows,
        Features(
            {
                "question_type": Value("string"),
                "multiple_choice_answer": Value("string"),
                "answers": [
                    {"answer": Value("string"), "answer_confidence": Value("string"), "answer_id": Value("int64")}
                ],
                "image_id": Value("int64"),
                "answer_type": Value("string"),
                "question_id": Value("int64"),
                "question": Value("string"),
                "image": HFImage(),
            }
        ),
    )
    # MMMU (lmms-lab/MMMU: all subjects in one split)
    rows = []
    subjects = ["Art", "Biology", "Physics", "Math"]
    for i in range(N):
        img, color, shape = picture(i)
        subject = subjects[i % 4]
        row = {
            "id": f"validation_{subject}_{i + 1}",
            "question": f"<image 1> What color is the {shape}?",
            "explanation": "",
            "img_type": "['Diagrams']",
            "topic_difficulty": "Easy",
            "subfield": subject,
            "image_1": img,
            "image_2": None,
            "image_3": None,
            "image_4": None,
            "image_5": None,
            "image_6": None,
            "image_7": None,
        }
        if i % 3 == 2:
            row.update(question_type="open", options="[]", answer=color if i % 2 else "3")
        else:
            options = [color, "purple", shape, "white"] if i % 2 else ["purple", color, "orange"]
            row.update(question_type="multiple-choice", options=str(options), answer="A" if i % 2 else "B")
        rows.append(row)
    save(
        out,
        "MMMU",
        "validation",
        rows,
        Features(
            {
                "id": Value("string"),
                "question": Value("string"),
                "options": Value("string"),
                "explanation": Value("string"),
                **{f"image_{k}": HFImage() for k in range(1, 8)},
                "img_type": Value("string"),
                "answer": Value("string"),
                "topic_difficulty": Value("string"),
                "question_type": Value("string"),
                "subfield": Value("string"),
            }
        ),
    )
    # MathVista (AI4Math/MathVista, testmini)
    rows = []
    for i in range(N):
        img, color, shape = picture(i)
        if i % 2:
            q = dict(
                question_type="multi_choice",
                answer_type="text",
                choices=[color, "purple", "orange"],
                answer=color,
                precision=None,
                question=f"What color is the {shape}?",
            )
            hint = (
                "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end."
            )
            query = f"{hint}\nQuestion: {q['question']}\nChoices:\n(A) {color}\n(B) purple\n(C) orange"
        else:
            q = dict(
                question_type="free_form",
                answer_type="integer",
                choices=None,
                answer=str(i % 5 + 1),
                precision=None,
                question=f"How many {shape}s are there?",
            )
            hint = (
                "Hint: Please answer the question requiring an integer answer and provide the final value, "
                "e.g., 1, 2, 3, at the end."
            )
            query = f"{hint}\nQuestion: {q['question']}"
        rows.append(
            {
                "pid": str(i + 1),
                "image": f"images/{i + 1}.jpg",
                "decoded_image": img,
                "unit": None,
                "query": query,
                "metadata": {
                    "category": "general-vqa",
                    "context": "synthetic scene",
                    "grade": "elementary school",
                    "img_height": 64,
                    "img_width": 64,
                    "language": "english",
                    "skills": ["arithmetic reasoning"],
                    "source": "standin",
                    "split": "testmini",
                    "task": "figure question answering",
                },
                **q,
            }
        )
    save(
        out,
        "MathVista",
        "testmini",
        rows,
        Features(
            {
                "pid": Value("string"),
                "question": Value("string"),
                "image": Value("string"),
                "decoded_image": HFImage(),
                "choices": Sequence(Value("string")),
                "unit": Value("string"),
                "precision": Value("float64"),
                "answer": Value("string"),
                "question_type": Value("string"),
                "answer_type": Value("string"),
                "metadata": {
                    "category": Value("string"),
                    "context": Value("string"),
                    "grade": Value("string"),
                    "img_height": Value("int64"),
                    "img_width": Value("int64"),
                    "language": Value("string"),
                    "skills": Sequence(Value("string")),
                    "source": Value("string"),
                    "split": Value("string"),
                    "task": Value("string"),
                },
                "query": Value("string"),
            }
        ),
    )
    print("ok")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
