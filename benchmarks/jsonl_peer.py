"""The CLI's job done by a peer, for the records/s comparison: stream a JSONL file and validate
each line as a completion, holding one record at a time, and print a count.

``python3 -m benchmarks.jsonl_peer pydantic|msgspec|jsonschema FILE``
"""

from __future__ import annotations

import sys


def main(peer: str, path: str) -> int:
    if peer == "pydantic":
        import pydantic

        from .peers import PydCompletion

        adapter = pydantic.TypeAdapter(PydCompletion)

        def check(line: bytes) -> bool:
            try:
                adapter.validate_json(line)
            except pydantic.ValidationError:
                return False
            return True

    elif peer == "msgspec":
        import msgspec

        from .peers import MsgCompletion

        decoder = msgspec.json.Decoder(MsgCompletion)

        def check(line: bytes) -> bool:
            try:
                decoder.decode(line)
            except msgspec.ValidationError:
                return False
            return True

    elif peer == "jsonschema":
        import orjson

        from .peers import jsonschema_validator

        validator = jsonschema_validator()

        def check(line: bytes) -> bool:
            return bool(validator.is_valid(orjson.loads(line)))

    else:
        raise SystemExit(f"unknown peer {peer!r}")
    records = invalid = 0
    with open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                records += 1
                if not check(line):
                    invalid += 1
    sys.stderr.write(f"{records} payloads checked, {invalid} invalid\n")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
