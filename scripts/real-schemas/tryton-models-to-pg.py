#!/usr/bin/env python3
"""Writes the PostgreSQL tables Tryton's ORM creates for the models of the given modules.

Usage: tryton-models-to-pg.py <module dir>... > schema.sql (trytond/model among them, for its mixins)

Tryton builds its tables from the model classes (trytond/model/modelsql.py): model `party.party`
becomes table `party_party` (or the class's `_table`), with `id`, `create_uid`, `create_date`,
`write_uid`, `write_date` and one column per stored field; a class extending a model from another
module (same `__name__`, PoolMeta) adds its columns to that table. Function, One2Many, Many2Many
and MultiValue fields store nothing in the table. Many2One columns reference the target's table
when it is among the modules read. Models read from a query (`table_query`) are views and are
left out. The Python files are read with `ast`, never imported.
"""
import ast
import sys
from pathlib import Path

COLUMN_TYPES = {
    'Char': 'character varying',
    'Text': 'text',
    'FullText': 'tsvector',
    'Integer': 'integer',
    'BigInteger': 'bigint',
    'Float': 'double precision',
    'Numeric': 'numeric',
    'Boolean': 'boolean',
    'Date': 'date',
    'DateTime': 'timestamp without time zone',
    'Timestamp': 'timestamp without time zone',
    'Time': 'time without time zone',
    'TimeDelta': 'interval',
    'Binary': 'bytea',
    'Selection': 'character varying',
    'MultiSelection': 'text',
    'Reference': 'character varying',
    'Many2One': 'integer',
    'Dict': 'text',
    'Sha': 'character varying',
}
NO_COLUMN = {'Function', 'One2Many', 'Many2Many', 'MultiValue', 'One2One'}


class Model:
    def __init__(self, name: str):
        self.name = name
        self.table = name.replace('.', '_')
        self.sql = False
        self.columns: dict[str, tuple[str, str | None, bool, str | None]] = {}


def field_of(value: ast.expr) -> tuple[str, ast.Call] | None:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Name):
        if value.func.value.id == 'fields':
            return value.func.attr, value
    return None


def fields_of(node: ast.ClassDef, lists: dict) -> dict:
    columns = {}
    for stmt in node.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        found = field_of(stmt.value)
        if not found:
            continue
        kind, call = found
        if kind in NO_COLUMN or kind not in COLUMN_TYPES:
            continue
        column = stmt.targets[0].id
        target = None
        if kind == 'Many2One' and call.args and isinstance(call.args[0], ast.Constant):
            target = call.args[0].value
        required = any(
            k.arg == 'required' and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords
        )
        label = None
        rest = call.args[1:] if kind in ('Many2One', 'Selection', 'Reference') else call.args
        for arg in rest[:1]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                label = arg.value
        for k in call.keywords:
            if k.arg == 'string' and isinstance(k.value, ast.Constant):
                label = k.value.value
        typ = COLUMN_TYPES[kind]
        choices = call.args[0] if call.args else None
        if isinstance(choices, ast.Name):
            choices = lists.get(choices.id)
        if kind == 'Selection' and isinstance(choices, ast.List):
            values = [e.elts[0].value for e in choices.elts if isinstance(e, ast.Tuple) and isinstance(e.elts[0], ast.Constant) and e.elts[0].value is not None]
            label = f"{label or column}: {', '.join(str(v) for v in values)}"
        columns[column] = (typ, target, required, label)
    return columns


# Fields of classes without a model name (DeactivableMixin, ResourceMixin, ...), by class name: a
# model built on one of them gets its columns too.
MIXINS: dict[str, dict] = {}
MIXIN_BASES: dict[str, list[str]] = {}


# The ORM's own classes: their attributes are machinery, not columns.
ORM_BASES = {'Model', 'ModelSQL', 'ModelView', 'ModelStorage', 'Workflow'}


def has_model_name(node: ast.ClassDef) -> bool:
    return any(
        isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == '__name__' for t in stmt.targets) for stmt in node.body
    )


def name_of(base: ast.expr) -> str | None:
    target = base.func if isinstance(base, ast.Call) else base
    return target.id if isinstance(target, ast.Name) else getattr(target, 'attr', None)


def mixin_fields(name: str | None, seen: frozenset = frozenset()) -> dict:
    if name is None or name in seen:
        return {}
    found: dict = {}
    for base in MIXIN_BASES.get(name, []):
        found.update(mixin_fields(base, seen | {name}))
    found.update(MIXINS.get(name, {}))
    return found


def read_mixins(directory: Path) -> None:
    for path in sorted(directory.rglob('*.py')):
        tree = ast.parse(path.read_text(encoding='utf-8'))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and not has_model_name(node) and node.name not in ORM_BASES:
                MIXINS.setdefault(node.name, {}).update(fields_of(node, {}))
                MIXIN_BASES.setdefault(node.name, []).extend(n for n in map(name_of, node.bases) if n)
        # sequence_ordered() and avatar_mixin() return a class built inside the function.
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ClassDef):
                        MIXINS.setdefault(node.name, {}).update(fields_of(inner, {}))


def read_module(directory: Path, models: dict[str, Model]) -> None:
    files = sorted(p for p in directory.rglob('*.py') if 'tests' not in p.parts and 'doc' not in p.parts and p.name != 'setup.py')
    for path in files:
        try:
            tree = ast.parse(path.read_text(encoding='utf-8'))
        except SyntaxError:
            continue
        lists = {
            stmt.targets[0].id: stmt.value
            for stmt in tree.body
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.List)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            name, table = None, None
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                    if stmt.targets[0].id == '__name__' and isinstance(stmt.value, ast.Constant):
                        name = stmt.value.value
                    if stmt.targets[0].id == '_table' and isinstance(stmt.value, ast.Constant):
                        table = stmt.value.value
            if not name:
                continue
            model = models.setdefault(name, Model(name))
            if table:
                model.table = table
            # A model read from a query (table_query) is a view over other tables, not a table.
            from_query = any(isinstance(f, ast.FunctionDef) and f.name == 'table_query' for f in node.body)
            if not from_query and any(word in ast.unparse(ast.Tuple(elts=node.bases)) for word in ('ModelSQL', 'LoginAttempt')):
                model.sql = True
            for base in node.bases:
                for column, spec in mixin_fields(name_of(base)).items():
                    model.columns.setdefault(column, spec)
            model.columns.update(fields_of(node, lists))


def render(models: dict[str, Model]) -> str:
    tables = {m.name: m.table for m in models.values() if m.sql}
    out, keys = [], []
    for model in sorted((m for m in models.values() if m.sql), key=lambda m: m.table):
        cols = [
            'id serial PRIMARY KEY',
            'create_uid integer',
            'create_date timestamp without time zone',
            'write_uid integer',
            'write_date timestamp without time zone',
        ]
        comments = []
        for column, (typ, target, required, label) in model.columns.items():
            if column in ('id', 'create_uid', 'create_date', 'write_uid', 'write_date'):
                continue
            cols.append(f'"{column}" {typ}{" NOT NULL" if required else ""}')
            if target in tables:
                keys.append(
                    f'ALTER TABLE "{model.table}" ADD CONSTRAINT "{model.table}_{column}_fkey" FOREIGN KEY ("{column}") REFERENCES "{tables[target]}" (id) ON DELETE SET NULL;'
                )
            if label:
                comments.append(f"COMMENT ON COLUMN \"{model.table}\".\"{column}\" IS '{label.replace(chr(39), chr(39) * 2)}';")
        out.append(f'CREATE TABLE "{model.table}" (\n  ' + ',\n  '.join(cols) + '\n);')
        out.append(f"COMMENT ON TABLE \"{model.table}\" IS '{model.name}';")
        out.extend(comments)
        if 'res.user' in tables:
            for audit in ('create_uid', 'write_uid'):
                keys.append(
                    f'ALTER TABLE "{model.table}" ADD CONSTRAINT "{model.table}_{audit}_fkey" FOREIGN KEY ("{audit}") REFERENCES "{tables["res.user"]}" (id) ON DELETE SET NULL;'
                )
    return '\n'.join(out + keys) + '\n'


if __name__ == '__main__':
    models: dict[str, Model] = {}
    for arg in sys.argv[1:]:
        read_mixins(Path(arg))
    for arg in sys.argv[1:]:
        read_module(Path(arg), models)
    sys.stdout.write(render(models))
