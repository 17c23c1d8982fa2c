#!/usr/bin/env python3
"""Writes the PostgreSQL tables EspoCRM's schema builder creates from its entity metadata.

Usage: espocrm-entitydefs-to-pg.py <entityDefs dir>... > schema.sql

EspoCRM has no SQL installer: on install it builds the tables from
`Resources/metadata/entityDefs/*.json` (core, then the Crm module merged over it), the way
application/Espo/Core/Utils/Database/Orm/ converts them: entity `CaseObj`/`Account` becomes table
`case`/`account` (snake_case), every entity gets `id varchar(17)` and `deleted`, stored fields
become snake_case columns (a link `account` becomes `account_id`, a parent link `parent_id` and
`parent_type`, a person name `first_name`/`last_name`/`salutation_name`, an address its five
parts, a currency amount its `_currency` column, an autoincrement field a sequence as Doctrine DBAL
makes it: SERIAL, BIGSERIAL for dbType bigint), fields marked notStorable store nothing, and a
many-to-many link gets its middle table (its relationName, or the two entity names in order).
An email or phone field stores nothing in its own table: its values live in `email_address` and
`phone_number`, reached through the middle tables `entity_email_address` and `entity_phone_number`
(FieldConverters/Email.php and Phone.php: mid keys `entity_id` and the address's id, with the
entity's type and whether it is the primary one).
"""
import json
import re
import sys
from pathlib import Path

TYPES = {
    'varchar': 'character varying(255)',
    'text': 'text',
    'wysiwyg': 'text',
    'bool': 'boolean',
    'int': 'integer',
    'float': 'double precision',
    'currency': 'numeric(13,4)',
    'date': 'date',
    'datetime': 'timestamp without time zone',
    'datetimeOptional': 'timestamp without time zone',
    'enum': 'character varying(255)',
    'multiEnum': 'text',
    'array': 'text',
    'checklist': 'text',
    'jsonArray': 'text',
    'jsonObject': 'text',
    'url': 'character varying(255)',
    'password': 'character varying(150)',
    'number': 'character varying(100)',
    'colorpicker': 'character varying(7)',
    'varcharLong': 'text',
    'barcode': 'character varying(255)',
    'urlMultiple': 'text',
}
LINK_FIELDS = {'link', 'file', 'image', 'linkOne'}


def snake(name: str) -> str:
    return re.sub(r'(?<=[a-z0-9])([A-Z])', r'_\1', name).lower()


def table_of(entity: str) -> str:
    return snake(entity[:-3] if entity.endswith('Obj') else entity)


def merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for key, value in b.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def load(dirs: list[str]) -> dict[str, dict]:
    defs: dict[str, dict] = {}
    for directory in dirs:
        for path in sorted(Path(directory).glob('*.json')):
            defs[path.stem] = merge(defs.get(path.stem, {}), json.loads(path.read_text(encoding='utf-8')))
    return defs


def columns_of(entity: str, spec: dict) -> list[tuple[str, str, str | None]]:
    cols: list[tuple[str, str, str | None]] = [('id', 'character varying(17) NOT NULL', None), ('deleted', 'boolean DEFAULT false', None)]
    links = spec.get('links', {})
    for name, field in spec.get('fields', {}).items():
        kind = field.get('type')
        if field.get('notStorable') or field.get('noSave'):
            continue
        if kind == 'personName':
            cols += [('salutation_name', 'character varying(255)', None), ('first_name', 'character varying(100)', None), ('last_name', 'character varying(100)', None)]
        elif kind == 'address':
            cols += [(f'{snake(name)}_{part}', 'character varying(255)', None) for part in ('street', 'city', 'state', 'country', 'postal_code')]
        elif kind in LINK_FIELDS:
            link = links.get(name, {})
            if link.get('type') == 'belongsTo' or kind in ('file', 'image'):
                target = link.get('entity') or 'Attachment'
                cols.append((f'{snake(name)}_id', 'character varying(17)', target))
        elif kind == 'linkParent':
            cols += [(f'{snake(name)}_id', 'character varying(17)', None), (f'{snake(name)}_type', 'character varying(100)', None)]
        elif kind == 'autoincrement':
            # A number EspoCRM counts itself: Doctrine DBAL (3.x) makes an autoincrement column
            # SERIAL on PostgreSQL (BIGSERIAL for dbType bigint), a sequence an INSERT leaves to fill it.
            cols.append((snake(name), 'bigserial' if field.get('dbType') == 'bigint' else 'serial', None))
        elif kind in TYPES:
            cols.append((snake(name), TYPES[kind], None))
            if kind == 'currency':
                cols.append((f'{snake(name)}_currency', 'character varying(3)', None))
    seen, unique = set(), []
    for col in cols:
        if col[0] not in seen:
            seen.add(col[0])
            unique.append(col)
    return unique


def render(defs: dict[str, dict]) -> str:
    entities = {e for e, spec in defs.items() if spec.get('fields') and not spec.get('skipRebuild')}
    out, keys, comments, middles = [], [], [], {}
    for entity in sorted(entities):
        spec = defs[entity]
        table = table_of(entity)
        cols = columns_of(entity, spec)
        out.append(f'CREATE TABLE "{table}" (\n  ' + ',\n  '.join(f'"{c}" {t}' for c, t, _ in cols) + f',\n  PRIMARY KEY ("id")\n);')
        for name, field in spec.get('fields', {}).items():
            if field.get('type') == 'enum' and field.get('options') and not field.get('notStorable'):
                options = ', '.join(str(o) for o in field['options'] if o != '')
                comments.append(f"COMMENT ON COLUMN \"{table}\".\"{snake(name)}\" IS '{options.replace(chr(39), chr(39) * 2)}';")
        for column, _, target in cols:
            if target in entities:
                keys.append(f'CREATE INDEX "idx_{table}_{column}" ON "{table}" ("{column}");')
        for name, link in spec.get('links', {}).items():
            if link.get('type') != 'hasMany' or not link.get('entity') or link['entity'] not in entities:
                continue
            foreign = defs[link['entity']].get('links', {}).get(link.get('foreign', ''), {})
            if not link.get('relationName') and foreign.get('type') != 'hasMany':
                continue
            pair = sorted([entity, link['entity']])
            relation = link.get('relationName') or pair[0][0].lower() + pair[0][1:] + pair[1]
            a, b = (table_of(entity), table_of(link['entity']))
            columns = [f'{a}_id', f'{b}_id'] if a != b else [f'{a}_id', f'{snake(name)}_id']
            middles.setdefault(snake(relation), columns)
    for relation, (a, b) in sorted(middles.items()):
        if relation in {table_of(e) for e in entities}:
            continue
        out.append(
            f'CREATE TABLE "{relation}" (\n  "id" bigserial PRIMARY KEY,\n  "{a}" character varying(17),\n  "{b}" character varying(17),\n  "deleted" boolean DEFAULT false\n);'
        )
    kinds = {field.get('type') for e in entities for field in defs[e].get('fields', {}).values()}
    for kind, relation, target in (('email', 'entity_email_address', 'email_address'), ('phone', 'entity_phone_number', 'phone_number')):
        if kind in kinds:
            out.append(
                f'CREATE TABLE "{relation}" (\n  "id" bigserial PRIMARY KEY,\n  "entity_id" character varying(17),\n'
                f'  "{target}_id" character varying(17),\n  "entity_type" character varying(100),\n'
                f'  "primary" boolean DEFAULT false,\n  "deleted" boolean DEFAULT false\n);'
            )
            keys.append(f'CREATE INDEX "idx_{relation}_entity_id" ON "{relation}" ("entity_id");')
            keys.append(f'CREATE INDEX "idx_{relation}_{target}_id" ON "{relation}" ("{target}_id");')
    return '\n'.join(out + comments + keys) + '\n'


if __name__ == '__main__':
    sys.stdout.write(render(load(sys.argv[1:])))
