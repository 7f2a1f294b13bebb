"""Convert a translator (or summariser) to CTranslate2 int8, where the service looks for it.

    python scripts/convert_ct2.py Helsinki-NLP/opus-mt-tc-big-el-en     # → model-store/...-ct2-int8
    python scripts/convert_ct2.py path/to/model --out path/to/model-ct2-int8 --force

The source is found like the service finds models (a directory, $DIGEST_MODELS_DIR, the HF
cache). With the conversion in place, DIGEST_BACKEND=auto (the default) uses it.
Exit codes: 0 done, 2 bad arguments or output exists, 3 model not available.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __name__ == "__main__":  # runnable from a checkout that is not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.convert import convert_to_ct2
from models.store import DEFAULT_QUANTIZATION, QUANTIZATIONS
from service.config import model_store
from service.errors import run_command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Convert a transformers seq2seq model to CTranslate2.")
    parser.add_argument("model", help="hub id (looked up in the model store / HF cache) or model directory")
    parser.add_argument("--out", type=Path, help="output directory (default: where the service looks)")
    parser.add_argument("--quantization", choices=QUANTIZATIONS, default=DEFAULT_QUANTIZATION,
                        help="weight type (default int8: the fast CPU path)")
    parser.add_argument("--models-dir", type=Path,
                        help="model store (default: $DIGEST_MODELS_DIR or ./model-store)")
    parser.add_argument("--force", action="store_true", help="replace an existing output directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def convert() -> None:
        store = args.models_dir or model_store()
        print(convert_to_ct2(args.model, args.out, args.quantization, args.force, store=store))

    return run_command(convert)  # 2: bad arguments or the output exists; 3: model not available


if __name__ == "__main__":
    sys.exit(main())
