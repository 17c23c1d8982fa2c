#!/usr/bin/env python3
"""Turns a MySQL `CREATE TABLE` dump (an installer's structure file) into PostgreSQL DDL.

Reads the dump on stdin and writes plain SQL on stdout: tables with their columns, defaults,
primary and unique keys, plain keys as indexes, declared foreign keys, and column comments.
Types follow MySQL's meaning (tinyint(1) is a flag, int unsigned widens, datetime is timestamp).
Load the output into an empty database and `pg_dump --schema-only` it to get the fixture.
"""
import re
import sys

TYPES = [
    (r'^tinyint\(1\)', 'smallint'),
    (r'^tinyint(\(\d+\))?', 'smallint'),
    (r'^smallint(\(\d+\))?', 'smallint'),
    (r'^mediumint(\(\d+\))?', 'integer'),
    (r'^int(\(\d+\))? unsigned', 'bigint'),
    (r'^int(\(\d+\))?', 'integer'),
    (r'^integer(\(\d+\))?', 'integer'),
    (r'^bigint(\(\d+\))?( unsigned)?', 'bigint'),
    (r'^(decimal|numeric)\((\d+),(\d+)\)( unsigned)?', r'numeric(\2,\3)'),
    (r'^double( unsigned)?', 'double precision'),
    (r'^float(\(\d+,\d+\))?', 'real'),
    (r'^datetime(\(\d\))?', 'timestamp without time zone'),
    (r'^timestamp(\(\d\))?', 'timestamp without time zone'),
    (r'^date', 'date'),
    (r'^time', 'time without time zone'),
    (r'^year(\(\d\))?', 'smallint'),
    (r'^(varchar|char)\((\d+)\)', r'character varying(\2)'),
    (r'^(tiny|medium|long)?text', 'text'),
    (r'^(tiny|medium|long)?blob', 'bytea'),
    (r'^(var)?binary\(\d+\)', 'bytea'),
    (r'^json', 'jsonb'),
    (r'^enum\([^)]*\)', 'character varying(64)'),
    (r'^set\([^)]*\)', 'character varying(255)'),
]


def pg_type(mysql: str) -> tuple[str, str]:
    for pattern, replacement in TYPES:
        m = re.match(pattern, mysql, re.I)
        if m:
            return re.sub(pattern, replacement, m.group(0), flags=re.I), mysql[m.end():]
    raise SystemExit(f'unknown MySQL type: {mysql}')


def ident(name: str) -> str:
    return '"' + name.strip('`') + '"'


def convert(dump: str) -> str:
    out: list[str] = []
    for m in re.finditer(r'CREATE TABLE `(\w+)` \((.*?)\n\)[^;]*;', dump, re.S):
        table, body = m.group(1), m.group(2)
        columns, constraints, after = [], [], []
        for raw in body.split('\n'):
            line = raw.strip().rstrip(',')
            if not line:
                continue
            col = re.match(r'`(\w+)` (.*)$', line)
            if col:
                name, rest = col.group(1), col.group(2)
                typ, rest = pg_type(rest)
                comment = re.search(r"COMMENT '((?:[^']|'')*)'", rest)
                if comment:
                    after.append(f"COMMENT ON COLUMN {ident(table)}.{ident(name)} IS '{comment.group(1)}';")
                    rest = rest[: comment.start()] + rest[comment.end():]
                if 'AUTO_INCREMENT' in rest:
                    typ = 'bigserial' if typ == 'bigint' else 'serial'
                parts = [ident(name), typ]
                if 'NOT NULL' in rest:
                    parts.append('NOT NULL')
                default = re.search(r"DEFAULT ('(?:[^']|'')*'|[\w.()]+)", rest)
                if default and 'AUTO_INCREMENT' not in rest:
                    value = default.group(1)
                    if value.upper() in ('CURRENT_TIMESTAMP', 'CURRENT_TIMESTAMP()'):
                        value = 'CURRENT_TIMESTAMP'
                    elif value.upper() != 'NULL' and typ in ('smallint', 'integer', 'bigint') or typ.startswith('numeric'):
                        value = value.strip("'") if value.upper() != 'NULL' else value
                    # MySQL's zero date has no PostgreSQL value: such a column has no default there.
                    if (typ.startswith('timestamp') or typ == 'date') and value.startswith("'0000"):
                        value = 'NULL'
                    parts.append(f'DEFAULT {value}')
                columns.append(' '.join(parts))
                continue
            pk = re.match(r'PRIMARY KEY \((.*)\)', line)
            if pk:
                constraints.append(f'PRIMARY KEY ({", ".join(ident(c.split("(")[0]) for c in pk.group(1).split(","))})')
                continue
            uk = re.match(r'UNIQUE KEY `([^`]+)` \((.*)\)', line)
            if uk:
                cols = ', '.join(ident(c.strip().split('(')[0]) for c in uk.group(2).split(','))
                constraints.append(f'CONSTRAINT "{table}_{uk.group(1)}" UNIQUE ({cols})')
                continue
            fk = re.match(r'CONSTRAINT `(\w+)` FOREIGN KEY \((.*?)\) REFERENCES `(\w+)` \((.*?)\)(.*)$', line)
            if fk:
                cols = ', '.join(ident(c.strip()) for c in fk.group(2).split(','))
                refs = ', '.join(ident(c.strip()) for c in fk.group(4).split(','))
                after.append(
                    f'ALTER TABLE {ident(table)} ADD CONSTRAINT "{fk.group(1)}" FOREIGN KEY ({cols}) REFERENCES {ident(fk.group(3))} ({refs}){fk.group(5)};'
                )
                continue
            key = re.match(r'(FULLTEXT )?KEY `([^`]+)` \((.*)\)', line)
            if key:
                cols = ', '.join(ident(c.strip().split('(')[0]) for c in key.group(3).split(','))
                after.append(f'CREATE INDEX "{table}_{key.group(2)}" ON {ident(table)} ({cols});')
                continue
            raise SystemExit(f'{table}: cannot read line: {line}')
        out.append(f'CREATE TABLE {ident(table)} (\n  ' + ',\n  '.join(columns + constraints) + '\n);')
        out.extend(after)
    # Foreign keys last, once every table exists.
    tables = [s for s in out if not s.startswith('ALTER TABLE')]
    keys = [s for s in out if s.startswith('ALTER TABLE')]
    return '\n'.join(tables + keys) + '\n'


if __name__ == '__main__':
    sys.stdout.write(convert(sys.stdin.read()))
