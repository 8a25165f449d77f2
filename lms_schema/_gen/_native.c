/* The native builders: the generated structure functions of lms_schema._gen.fast, in C.
 *
 * A Builder is the compiled form of one generated model function: for each field of the
 * model's field analysis (lms_schema._models.fields), one row saying where the value is read
 * (a dict key, or a msgspec mirror's attribute), what it must be (the operation of its kind),
 * and the slot of the model it is stored in. lms_schema._gen.native turns a FieldInfo into
 * such a row; nothing about a field is decided here that the field analysis did not say.
 *
 * It does what the generated Python does, statement for statement: the same exact JSON type
 * tests, the same shortcuts for the commonest id and date-time shapes (anything else goes to
 * the same Python leaf parsers, passed in as callables), the same instance, built the same
 * way (object.__new__, then every slot stored through its member descriptor, as attrs'
 * __init__ would for a frozen slotted class without validators). At the first problem of any
 * kind it raises the Declined exception it was given, and the caller takes the cattrs path,
 * which explains. So, like the Python it replaces, it may only ever decline; the
 * differential tests (tests/test_native.py, and the fast-path and mirror tests, which run with
 * and without it) hold it to that.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <datetime.h>
#include <structmember.h>

#ifndef Py_TPFLAGS_HAVE_VECTORCALL
#define Py_TPFLAGS_HAVE_VECTORCALL _Py_TPFLAGS_HAVE_VECTORCALL
#endif

/* The operation of a value (of one element, for a list field). */
enum {
    OP_STRING = 0,
    OP_INT64 = 1,
    OP_UUID = 2,
    OP_DATETIME = 3,
    OP_CALL = 4,         /* value = fn(value): durations */
    OP_ENUM = 5,         /* known members by value, else str.__new__(enum, value) */
    OP_CHECK = 6,        /* fn(value), the value kept: verbatim JSON objects and values */
    OP_RELATION = 7,     /* a str: extra1(value) (the UUID parser), else fn(value): expanded */
    OP_OBJECT = 8,       /* value = fn(value) */
    OP_STRING_OR_INT = 9,
};

/* Flags of a field. */
enum {
    F_REQUIRED = 1,
    F_NULLABLE = 2,
    F_MANY = 4,
    F_NESTED_TRACKS = 8, /* fn takes the list of warnings as its second argument */
    F_VERBATIM = 16,     /* B_CANONICAL: fn checks a verbatim JSON object, kept as it is */
};

/* Flags of a builder. */
enum {
    B_TYPED = 1,  /* the argument is a msgspec mirror: its attributes have exact JSON types */
    B_FORBID = 2, /* unknown keys decline */
    B_TRACK = 4,  /* warnings are appended to the second argument */
    B_RECOVER = 8, /* validate()'s top level: a field that fails is explained, not declined */
    B_CANONICAL = 16, /* normalize(): canonical values only; returns (value, copy) */
    B_REPAIR = 32,    /* normalize()'s top level: takes the readers, returns (value, copy, fixes) */
};

typedef struct {
    PyObject *name;   /* the key, and the attribute of a mirror (interned str) */
    PyObject *where;  /* "Completion.score": how a decline names the field */
    int op;
    int flags;
    PyObject *fn;     /* the callable of the operation (a str: a name to resolve) */
    PyObject *extra1; /* OP_ENUM: the members by value; OP_RELATION: the UUID parser;
                       * OP_DATETIME in B_CANONICAL: format_datetime */
    PyObject *extra2; /* OP_ENUM: the enum class; a tracked list: the known locale codes */
    PyObject *descr;  /* the member descriptor of the slot in the model */
    PyObject *recovery; /* B_RECOVER: what the recover callable is given for this field */
    Py_ssize_t reader;  /* B_REPAIR: the index of the field's reader (-1: none) */
    PyObject *path;     /* B_REPAIR: the path of the field's fixes ("$.score"); B_RECOVER: of
                         * its issues, when it has a quick recovery (see quick_recovery) */
    PyObject *wrong;    /* B_RECOVER: the field's wrong_type Issue by JSON type, or NULL */
    int worded;         /* B_RECOVER: a wrong_type error of its leaf is worded again */
    PyObject *inner;    /* B_RECOVER: its element hook, (value, None) -> value or raises */
} Field;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyTypeObject *target;
    PyObject *title;
    int flags;
    Py_ssize_t nfields;
    Field *fields;
    /* B_RECOVER: recover(recovery, exc, d, out, w) -> out, missing_key(out, name) -> out,
     * unknown_keys(d, names, out) -> out, the field names, and what an invalid payload gives */
    PyObject *recover, *missing_key, *unknown_keys, *names, *invalid;
    /* B_TYPED: a callable giving the mirror's values in the order of the fields as a tuple
     * (msgspec.structs.astuple), or NULL: each is read as an attribute */
    PyObject *values;
} Builder;

/* Set by configure(): the shared objects of the generated code. */
static PyObject *g_declined = NULL;     /* the exception type of a decline */
static PyObject *g_absent = NULL;       /* ABSENT */
static PyObject *g_uuid_type = NULL;    /* uuid.UUID */
static PyObject *g_uuid_safe = NULL;    /* uuid.SafeUUID.unknown */
static PyObject *g_utc = NULL;          /* datetime.UTC */
static PyObject *g_str_new = NULL;      /* str.__new__ */
static PyObject *g_set_int = NULL;      /* UUID.__dict__["int"] */
static PyObject *g_set_safe = NULL;     /* UUID.__dict__["is_safe"] */
static PyObject *g_unknown_key = NULL;  /* "unknown key" */
static PyObject *g_language = NULL;     /* "language" */
static PyObject *g_empty = NULL;        /* () */
static PyObject *g_not_canonical = NULL; /* what canonical_value returns for a repair */
/* normalize()'s result class (Normalized) and the descriptors of its value, payload, fixes
 * and errors slots: set by configure_result(); B_REPAIR builders then return it. */
static PyTypeObject *g_result = NULL;
static PyObject *g_result_slots[4] = {NULL, NULL, NULL, NULL};
/* and its Fix class, with the descriptors of its path, rule, before and after slots */
static PyTypeObject *g_fix = NULL;
static PyObject *g_fix_slots[4] = {NULL, NULL, NULL, NULL};

/* Set by configure_issues(): the Issue class and the descriptors of its path, code, message
 * and severity slots; the leaf parsers' exception types (FieldError, DurationError); the
 * object whose ``declines`` attribute is a list while declines are recorded; "error". */
static PyTypeObject *g_issue = NULL;
static PyObject *g_issue_slots[4] = {NULL, NULL, NULL, NULL};
static PyObject *g_leaf_errors = NULL;
static PyObject *g_decline_state = NULL;
static PyObject *g_error = NULL;
static PyObject *g_wrong_type = NULL;

/* An instance of ``type`` with its four slots stored (NULL on an error). */
static PyObject *
new_with_slots(PyTypeObject *type, PyObject **slots, PyObject **values)
{
    PyObject *o = type->tp_alloc(type, 0);
    for (int i = 0; o != NULL && i < 4; i++) {
        if (Py_TYPE(slots[i])->tp_descr_set(slots[i], o, values[i]) < 0) Py_CLEAR(o);
    }
    return o;
}

static int
decline(Field *f, const char *why)
{
    PyErr_Format(g_declined, "%U: %s", f->where, why);
    return -1;
}

static int
decline_builder(Builder *b, const char *why)
{
    PyErr_Format(g_declined, "%U: %s", b->title, why);
    return -1;
}

/* -- leaves ------------------------------------------------------------------------------ */

static inline int
hexval(Py_UCS4 c)
{
    if (c >= '0' && c <= '9') return (int)(c - '0');
    if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (int)(c - 'A' + 10);
    return -1;
}

/* A UUID from its 36-character 8-4-4-4-12 text in either case (what msgspec's parser, and
 * the pattern before it, took), or NULL with a decline. */
static PyObject *
make_uuid(Field *f, PyObject *text)
{
    if (!PyUnicode_CheckExact(text) || PyUnicode_GET_LENGTH(text) != 36 ||
        !PyUnicode_IS_ASCII(text)) {
        decline(f, "not a UUID in the 8-4-4-4-12 form");
        return NULL;
    }
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(text);
    char hex[33];
    int j = 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') {
                decline(f, "not a UUID in the 8-4-4-4-12 form");
                return NULL;
            }
            continue;
        }
        if (hexval(s[i]) < 0) {
            decline(f, "not a UUID in the 8-4-4-4-12 form");
            return NULL;
        }
        hex[j++] = (char)s[i];
    }
    hex[32] = '\0';
    PyObject *number = PyLong_FromString(hex, NULL, 16);
    if (number == NULL) return NULL;
    PyTypeObject *tp = (PyTypeObject *)g_uuid_type;
    PyObject *u = tp->tp_alloc(tp, 0);
    if (u == NULL) {
        Py_DECREF(number);
        return NULL;
    }
    descrsetfunc set_int = Py_TYPE(g_set_int)->tp_descr_set;
    descrsetfunc set_safe = Py_TYPE(g_set_safe)->tp_descr_set;
    if (set_int(g_set_int, u, number) < 0 || set_safe(g_set_safe, u, g_uuid_safe) < 0) {
        Py_DECREF(number);
        Py_DECREF(u);
        return NULL;
    }
    Py_DECREF(number);
    return u;
}

static inline int
digits(const void *data, int kind, Py_ssize_t at, int count, int *out)
{
    int value = 0;
    for (int i = 0; i < count; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, at + i);
        if (c < '0' || c > '9') return -1;
        value = value * 10 + (int)(c - '0');
    }
    *out = value;
    return 0;
}

/* YYYY-MM-DDThh:mm:ssZ, and with 3 or 6 fraction digits: told by length and separators (the
 * generated Python's test), then read as datetime.fromisoformat reads them: ASCII digits
 * everywhere else, or ValueError (a decline). 1: *out is set; 0: not that shape. */
static int
common_datetime(PyObject *text, PyObject **out)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n != 20 && n != 24 && n != 27) return 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    static const char seps[] = "--T::";
    static const Py_ssize_t at[] = {4, 7, 10, 13, 16};
    for (int i = 0; i < 5; i++) {
        if (PyUnicode_READ(kind, data, at[i]) != (Py_UCS4)seps[i]) return 0;
    }
    if (PyUnicode_READ(kind, data, n - 1) != 'Z') return 0;
    if (n != 20 && PyUnicode_READ(kind, data, 19) != '.') return 0;
    int year, month, day, hour, minute, second, fraction = 0;
    if (digits(data, kind, 0, 4, &year) < 0 || digits(data, kind, 5, 2, &month) < 0 ||
        digits(data, kind, 8, 2, &day) < 0 || digits(data, kind, 11, 2, &hour) < 0 ||
        digits(data, kind, 14, 2, &minute) < 0 || digits(data, kind, 17, 2, &second) < 0 ||
        (n != 20 && digits(data, kind, 20, (int)(n - 21), &fraction) < 0)) {
        PyErr_Format(PyExc_ValueError, "Invalid isoformat string: %R", text);
        return -1;
    }
    if (n == 24) fraction *= 1000;
    /* the constructor checks the ranges as fromisoformat does (ValueError) */
    *out = PyDateTimeAPI->DateTime_FromDateAndTime(year, month, day, hour, minute, second,
                                                   fraction, g_utc, PyDateTimeAPI->DateTimeType);
    return *out == NULL ? -1 : 1;
}

/* YYYY-MM-DDThh:mm:ss[.fff|.ffffff]+hh:mm (or -hh:mm): exactly the texts with an offset
 * that match_common_datetime matches (ASCII digits, the offset's hours 00-23 and minutes
 * 00-59), read as datetime.fromisoformat reads them: the constructor checks the other ranges
 * (ValueError), an offset of zero is datetime.UTC. 1: *out is set; 0: not that shape (the
 * Python leaf decides); -1: an error. */
static int
offset_datetime(PyObject *text, PyObject **out)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n != 25 && n != 29 && n != 32) return 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    static const char seps[] = "--T::";
    static const Py_ssize_t at[] = {4, 7, 10, 13, 16};
    for (int i = 0; i < 5; i++) {
        if (PyUnicode_READ(kind, data, at[i]) != (Py_UCS4)seps[i]) return 0;
    }
    Py_UCS4 sign = PyUnicode_READ(kind, data, n - 6);
    if ((sign != '+' && sign != '-') || PyUnicode_READ(kind, data, n - 3) != ':') return 0;
    if (n != 25 && PyUnicode_READ(kind, data, 19) != '.') return 0;
    int year, month, day, hour, minute, second, fraction = 0, zone_hours, zone_minutes;
    if (digits(data, kind, 0, 4, &year) < 0 || digits(data, kind, 5, 2, &month) < 0 ||
        digits(data, kind, 8, 2, &day) < 0 || digits(data, kind, 11, 2, &hour) < 0 ||
        digits(data, kind, 14, 2, &minute) < 0 || digits(data, kind, 17, 2, &second) < 0 ||
        (n != 25 && digits(data, kind, 20, (int)(n - 26), &fraction) < 0) ||
        digits(data, kind, n - 5, 2, &zone_hours) < 0 ||
        digits(data, kind, n - 2, 2, &zone_minutes) < 0 || zone_hours > 23 ||
        zone_minutes > 59) {
        return 0;
    }
    if (n == 29) fraction *= 1000;
    int seconds = (zone_hours * 60 + zone_minutes) * 60;
    PyObject *delta = PyDelta_FromDSU(0, sign == '-' ? -seconds : seconds, 0);
    if (delta == NULL) return -1;
    PyObject *zone = PyTimeZone_FromOffset(delta);
    Py_DECREF(delta);
    if (zone == NULL) return -1;
    *out = PyDateTimeAPI->DateTime_FromDateAndTime(year, month, day, hour, minute, second,
                                                   fraction, zone, PyDateTimeAPI->DateTimeType);
    Py_DECREF(zone);
    return *out == NULL ? -1 : 1;
}

static inline int
in_int64(PyObject *v)
{
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    return overflow == 0;
}

/* The quick scan of a verbatim JSON object (raw_data, custom_fields), as
 * lms_schema._values.jsonvalue._scan_dict makes it: string keys; strings, null, booleans,
 * integers of 64 bits (signed or not), finite floats, and arrays and objects of those at most
 * JSON_SCAN_LEVELS levels further down. 1: shown to be JSON; 0: not shown (the row's Python
 * function decides, and explains). It accepts nothing deeper than that function's limit. */
#define JSON_SCAN_LEVELS 6

static int json_dict_shown(PyObject *d, int levels);
static int json_list_shown(PyObject *l, int levels);

static int
json_item_shown(PyObject *item, int levels)
{
    if (PyUnicode_CheckExact(item) || item == Py_None || PyBool_Check(item)) return 1;
    if (PyLong_CheckExact(item)) {
        int overflow;
        long long x = PyLong_AsLongLongAndOverflow(item, &overflow);
        if (x == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
        if (overflow == 0) return 1;
        if (overflow < 0) return 0;
        unsigned long long u = PyLong_AsUnsignedLongLong(item);
        if (u == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
        return 1;
    }
    if (PyDict_CheckExact(item)) return levels > 0 && json_dict_shown(item, levels - 1);
    if (PyList_CheckExact(item)) return levels > 0 && json_list_shown(item, levels - 1);
    if (PyFloat_CheckExact(item)) return isfinite(PyFloat_AS_DOUBLE(item));
    return 0;
}

static int
json_dict_shown(PyObject *d, int levels)
{
    Py_ssize_t pos = 0;
    PyObject *key, *item;
    while (PyDict_Next(d, &pos, &key, &item)) {
        if (!PyUnicode_CheckExact(key) || !json_item_shown(item, levels)) return 0;
    }
    return 1;
}

static int
json_list_shown(PyObject *l, int levels)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(l); i++) {
        if (!json_item_shown(PyList_GET_ITEM(l, i), levels)) return 0;
    }
    return 1;
}

/* A verbatim JSON value, kept as it is (a new reference to ``v``), or NULL: a dict the
 * quick scan shows to be JSON needs no call; anything else is checked (and explained) by the
 * row's function (check_json_object, check_json_value). */
static PyObject *
check_json(Field *f, PyObject *v)
{
    if (PyDict_CheckExact(v) && json_dict_shown(v, JSON_SCAN_LEVELS)) return Py_NewRef(v);
    PyObject *r = PyObject_CallOneArg(f->fn, v);
    if (r == NULL) return NULL;
    Py_DECREF(r);
    return Py_NewRef(v);
}

static PyObject *
call_nested(Field *f, PyObject *v, PyObject *w)
{
    if (f->flags & F_NESTED_TRACKS) {
        PyObject *args[2] = {v, w};
        return PyObject_Vectorcall(f->fn, args, 2, NULL);
    }
    return PyObject_CallOneArg(f->fn, v);
}

/* One non-null value (a new reference to its replacement), or NULL. */
static PyObject *
check_value(Builder *b, Field *f, PyObject *v, PyObject *w)
{
    int typed = b->flags & B_TYPED;
    switch (f->op) {
    case OP_STRING:
        if (!typed && !PyUnicode_CheckExact(v)) {
            decline(f, "not a string");
            return NULL;
        }
        return Py_NewRef(v);
    case OP_INT64:
        if ((!typed && !PyLong_CheckExact(v)) || !in_int64(v)) {
            decline(f, "not a 64-bit integer");
            return NULL;
        }
        return Py_NewRef(v);
    case OP_UUID:
        return make_uuid(f, v);
    case OP_DATETIME: {
        if (PyUnicode_CheckExact(v)) {
            PyObject *out = NULL;
            int found = common_datetime(v, &out);
            if (found == 0) found = offset_datetime(v, &out);
            if (found != 0) return out;  /* the value, or NULL: a decline */
        }
        return call_nested(f, v, w);  /* the other shapes: the Python leaf */
    }
    case OP_CALL:
        return PyObject_CallOneArg(f->fn, v);
    case OP_ENUM: {
        if (!typed && !PyUnicode_CheckExact(v)) {
            decline(f, "not a string");
            return NULL;
        }
        PyObject *member = PyDict_GetItemWithError(f->extra1, v);
        if (member != NULL) {
            int truth = PyObject_IsTrue(member);
            if (truth < 0) return NULL;
            if (truth) return Py_NewRef(member);
        }
        else if (PyErr_Occurred()) {
            return NULL;
        }
        PyObject *args[2] = {f->extra2, v};
        return PyObject_Vectorcall(g_str_new, args, 2, NULL);
    }
    case OP_CHECK:
        return check_json(f, v);
    case OP_RELATION:
        if (PyUnicode_CheckExact(v)) return PyObject_CallOneArg(f->extra1, v);
        if (!typed && !PyDict_CheckExact(v)) {
            decline(f, "neither a UUID string nor an object");
            return NULL;
        }
        return call_nested(f, v, w);
    case OP_OBJECT:
        return call_nested(f, v, w);
    case OP_STRING_OR_INT:
        if (!typed && !PyUnicode_CheckExact(v) && !(PyLong_CheckExact(v) && in_int64(v))) {
            decline(f, "neither a string nor a 64-bit integer");
            return NULL;
        }
        return Py_NewRef(v);
    }
    PyErr_SetString(PyExc_SystemError, "lms_schema._gen._native: unknown operation");
    return NULL;
}

/* A list field's value: a new list of its checked elements. */
static PyObject *
check_list(Builder *b, Field *f, PyObject *v, PyObject *w)
{
    if (!PyList_CheckExact(v)) {
        decline(f, "not an array");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(v);
    PyObject *out;
    if ((b->flags & B_TYPED) && (f->op == OP_STRING || f->op == OP_STRING_OR_INT)) {
        out = Py_NewRef(v); /* a list of its own, of strings: msgspec said so */
        goto languages;
    }
    out = PyList_New(n);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(v, i);
        Py_INCREF(item);
        PyObject *r = check_value(b, f, item, w);
        Py_DECREF(item);
        if (r == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, r);
        if (PyList_GET_SIZE(v) != n) { /* a callable changed the list: not ours to follow */
            Py_DECREF(out);
            decline(f, "the array changed while it was checked");
            return NULL;
        }
    }
languages:
    if ((b->flags & B_TRACK) && f->extra2 != NULL && f->extra2 != Py_None) {
        /* the language check of validate(): every code among the known ones */
        for (Py_ssize_t i = 0; i < n; i++) {
            int known = PySet_Contains(f->extra2, PyList_GET_ITEM(out, i));
            if (known < 0) {
                Py_DECREF(out);
                return NULL;
            }
            if (!known) {
                if (PyList_Append(w, g_language) < 0) {
                    Py_DECREF(out);
                    return NULL;
                }
                break;
            }
        }
    }
    return out;
}


/* -- normalize(): canonical values ------------------------------------------------------ */

/* Clear the error being raised when it is an Exception (a value that is not canonical); 0,
 * or -1 when it is not one (KeyboardInterrupt, ...: it stays raised). */
static int
clear_exception(void)
{
    if (!PyErr_ExceptionMatches(PyExc_Exception)) return -1;
    PyErr_Clear();
    return 0;
}

/* A nested canonical function's (value, copy): the value, the copy stored in ``copy``
 * under the field's key (NULL: ``copy`` is NULL, the pair's copy returned in *pair_copy). */
static PyObject *
nested_canonical(Field *f, PyObject *v, PyObject *copy, PyObject **pair_copy)
{
    PyObject *pair = PyObject_CallOneArg(f->fn, v);
    if (pair == NULL) return NULL;
    if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2) {
        Py_DECREF(pair);
        PyErr_SetString(PyExc_TypeError, "a canonical function returns (value, copy)");
        return NULL;
    }
    PyObject *value = Py_NewRef(PyTuple_GET_ITEM(pair, 0));
    if (copy != NULL) {
        if (PyDict_SetItem(copy, f->name, PyTuple_GET_ITEM(pair, 1)) < 0) Py_CLEAR(value);
    }
    else {
        *pair_copy = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
    }
    Py_DECREF(pair);
    return value;
}

static inline int
is_lower_id(PyObject *text)
{
    if (!PyUnicode_CheckExact(text) || PyUnicode_GET_LENGTH(text) != 36 ||
        !PyUnicode_IS_ASCII(text)) {
        return 0;
    }
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(text);
    for (int i = 0; i < 36; i++) {
        Py_UCS1 c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return 0;
        }
        else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* One non-null value as normalize() keeps it: the value (a new reference) when the wire
 * text is already canonical (what unstructure() writes), g_not_canonical (no reference)
 * when it is not (the field's reader decides, or the builder declines), NULL on an error.
 * ``copy``: the copy of the object holding the value, where expanded objects store their
 * copies (NULL inside a list). */
static PyObject *
canonical_value(Builder *b, Field *f, PyObject *v, PyObject *copy, int repairable)
{
    switch (f->op) {
    case OP_STRING:
    case OP_STRING_OR_INT:
        if (!PyUnicode_CheckExact(v) &&
            !(f->op == OP_STRING_OR_INT && PyLong_CheckExact(v) && in_int64(v))) {
            return g_not_canonical;
        }
        return Py_NewRef(v);
    case OP_INT64:
        if (!PyLong_CheckExact(v) || !in_int64(v)) return g_not_canonical;
        return Py_NewRef(v);
    case OP_UUID:
        if (!is_lower_id(v)) return g_not_canonical;
        return make_uuid(f, v);
    case OP_DATETIME: {
        /* canonical: what format_datetime writes, Z for UTC, another offset as it is, a
         * fraction without trailing zeros; the common shapes (match_common_datetime's) are
         * read here, and the others (a space, no offset, ...) are for the reader */
        if (!PyUnicode_CheckExact(v)) return g_not_canonical;
        Py_ssize_t n = PyUnicode_GET_LENGTH(v);
        PyObject *out = NULL;
        int found = common_datetime(v, &out);
        Py_ssize_t last = n - 2; /* the fraction's last digit, if any */
        if (found == 0) {
            found = offset_datetime(v, &out);
            last = n - 7;
            if (found == 1 && PyDateTime_DATE_GET_TZINFO(out) == g_utc) { /* +00:00: Z */
                Py_DECREF(out);
                return g_not_canonical;
            }
        }
        if (found < 0) return clear_exception() < 0 ? NULL : g_not_canonical;
        if (found == 0) {
            /* another shape: the field's reader decides (repairable), else it is canonical
             * when the Python leaf reads it and format_datetime writes the same text */
            if (repairable) return g_not_canonical;
            PyObject *dt = PyObject_CallOneArg(f->fn, v);
            if (dt == NULL) return clear_exception() < 0 ? NULL : g_not_canonical;
            PyObject *text = PyObject_CallOneArg(f->extra1, dt);
            int same = text != NULL && PyUnicode_Check(text) && PyUnicode_Compare(text, v) == 0;
            Py_XDECREF(text);
            if (same) return dt;
            Py_DECREF(dt);
            return PyErr_Occurred() ? NULL : g_not_canonical;
        }
        if (n != 20 && n != 25 && PyUnicode_READ_CHAR(v, last) == '0') {
            Py_DECREF(out);
            return g_not_canonical;
        }
        return out;
    }
    case OP_CALL: { /* a duration: canonical when it is written as str() writes it */
        if (!PyUnicode_CheckExact(v)) return g_not_canonical;
        PyObject *d = PyObject_CallOneArg(f->fn, v);
        if (d == NULL) return clear_exception() < 0 ? NULL : g_not_canonical;
        PyObject *text = PyObject_Str(d);
        if (text == NULL) {
            Py_DECREF(d);
            return NULL;
        }
        int same = PyUnicode_Compare(text, v) == 0;
        Py_DECREF(text);
        if (same) return d;
        Py_DECREF(d);
        return g_not_canonical;
    }
    case OP_ENUM: {
        if (!PyUnicode_CheckExact(v)) return g_not_canonical;
        PyObject *member = PyDict_GetItemWithError(f->extra1, v);
        if (member == NULL) return PyErr_Occurred() ? NULL : g_not_canonical;
        return Py_NewRef(member);
    }
    case OP_CHECK:
        return check_json(f, v);
    case OP_RELATION:
        if (PyUnicode_CheckExact(v)) {
            PyObject *u = PyObject_CallOneArg(f->extra1, v);
            if (u == NULL) return clear_exception() < 0 ? NULL : g_not_canonical;
            const Py_UCS1 *s = PyUnicode_IS_ASCII(v) ? PyUnicode_1BYTE_DATA(v) : NULL;
            Py_ssize_t n = PyUnicode_GET_LENGTH(v);
            for (Py_ssize_t i = 0; s != NULL && i < n; i++) {
                if (s[i] >= 'A' && s[i] <= 'Z') s = NULL;
            }
            if (s == NULL) { /* upper case: the reader writes it in lower case */
                Py_DECREF(u);
                return g_not_canonical;
            }
            return u;
        }
        if (!PyDict_CheckExact(v)) {
            decline(f, "neither a UUID string nor an object");
            return NULL;
        }
        if (f->flags & F_VERBATIM) return check_json(f, v);
        if (copy == NULL) {
            decline(f, "an expanded object in a list");
            return NULL;
        }
        return nested_canonical(f, v, copy, NULL);
    case OP_OBJECT:
        if (!PyDict_CheckExact(v)) {
            decline(f, "not an object");
            return NULL;
        }
        if (f->flags & F_VERBATIM) return check_json(f, v);
        return nested_canonical(f, v, copy, NULL);
    }
    PyErr_SetString(PyExc_SystemError, "lms_schema._gen._native: unknown operation");
    return NULL;
}

/* A list field's value as normalize() keeps it; its copy (a list of the wire values, or of
 * the expanded objects' copies) stored in ``copy``. Any element that is not canonical
 * declines (a list is repaired by the lenient walk). */
static PyObject *
canonical_list(Builder *b, Field *f, PyObject *v, PyObject *copy)
{
    if (!PyList_CheckExact(v)) {
        decline(f, "not an array");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(v);
    int pairs = f->op == OP_OBJECT && !(f->flags & F_VERBATIM);
    PyObject *wire = pairs ? PyList_New(n) : PyList_GetSlice(v, 0, n);
    PyObject *out = PyList_New(n);
    if (wire == NULL || out == NULL) goto error;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(v, i);
        Py_INCREF(item);
        PyObject *r;
        if (pairs) {
            PyObject *item_copy = NULL;
            if (!PyDict_CheckExact(item)) {
                decline(f, "not an object");
                r = NULL;
            }
            else {
                r = nested_canonical(f, item, NULL, &item_copy);
            }
            if (r != NULL) PyList_SET_ITEM(wire, i, item_copy);
        }
        else {
            r = canonical_value(b, f, item, NULL, 0);
            if (r == g_not_canonical) {
                decline(f, "not canonical");
                r = NULL;
            }
        }
        Py_DECREF(item);
        if (r == NULL) goto error;
        PyList_SET_ITEM(out, i, r);
        if (PyList_GET_SIZE(v) != n) {
            decline(f, "the array changed while it was checked");
            goto error;
        }
    }
    if (PyDict_SetItem(copy, f->name, wire) < 0) goto error;
    Py_DECREF(wire);
    return out;
error:
    Py_XDECREF(wire);
    Py_XDECREF(out);
    return NULL;
}

/* normalize()'s repair of a top-level field: its reader gives the canonical wire value and
 * the rule that repaired it (None: none); the fix is recorded, the wire value stored in the
 * copy and checked strictly (as structure() checks the lenient walk's output). */
static PyObject *
repair(Builder *b, Field *f, PyObject *v, PyObject *readers, PyObject *copy, PyObject *fixes)
{
    if (f->reader < 0 || f->reader >= PyTuple_GET_SIZE(readers)) {
        decline(f, "not canonical");
        return NULL;
    }
    PyObject *got = PyObject_CallOneArg(PyTuple_GET_ITEM(readers, f->reader), v);
    if (got == NULL) return NULL;
    if (!PyTuple_CheckExact(got) || PyTuple_GET_SIZE(got) != 2) {
        Py_DECREF(got);
        PyErr_SetString(PyExc_TypeError, "a reader returns (wire, rule)");
        return NULL;
    }
    PyObject *wire = PyTuple_GET_ITEM(got, 0), *rule = PyTuple_GET_ITEM(got, 1);
    PyObject *result = NULL;
    if (rule != Py_None) {
        PyObject *args[4] = {f->path, rule, v, wire};
        PyObject *fix = g_fix != NULL ? new_with_slots(g_fix, g_fix_slots, args)
                                      : PyObject_Vectorcall(b->recover, args, 4, NULL);
        if (fix == NULL) goto done;
        int appended = PyList_Append(fixes, fix);
        Py_DECREF(fix);
        if (appended < 0) goto done;
    }
    if (PyDict_SetItem(copy, f->name, wire) < 0) goto done;
    if (wire == Py_None && (f->flags & F_NULLABLE)) {
        result = Py_NewRef(Py_None);
    }
    else if (f->op == OP_RELATION && !PyUnicode_CheckExact(wire)) {
        decline(f, "the reader gave no id");
    }
    else {
        result = check_value(b, f, wire, NULL);
    }
done:
    Py_DECREF(got);
    return result;
}

/* The exception being raised, normalized, with its traceback (the error indicator cleared). */
static PyObject *
fetch_exception(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL) PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
#endif
}

/* Whether ``exc`` is exactly one of the leaf parsers' exception types. */
static int
is_leaf_error(PyObject *exc)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(g_leaf_errors); i++) {
        if ((PyObject *)Py_TYPE(exc) == PyTuple_GET_ITEM(g_leaf_errors, i)) return 1;
    }
    return 0;
}

/* validate()'s top level, a leaf field whose check raised ``exc`` on ``v`` (the payload's
 * value): the issue lms_schema._gen.validator._recover gives, made here in its two commonest
 * cases, without the call: a value of a JSON type the field's element hook always rejects
 * (the Issue prepared for that type: _Field.quick), and a leaf parser's own error (its code
 * and message, but for a wrong_type error a nullable field words again): the one the check
 * raised, or, when it declined, the one its element hook raises (as _explain runs it). A new
 * reference, or NULL without an error: call _recover (also while declines are recorded, which
 * it does). */
static PyObject *
quick_recovery(Field *f, PyObject *exc, PyObject *v)
{
    if (f->wrong == NULL || g_issue == NULL) return NULL;
    PyObject *recording = PyObject_GetAttrString(g_decline_state, "declines");
    if (recording == NULL) {
        PyErr_Clear();
        return NULL;
    }
    Py_DECREF(recording);
    if (recording != Py_None) return NULL;
    PyObject *issue = PyDict_GetItemWithError(f->wrong, (PyObject *)Py_TYPE(v));
    if (issue != NULL) return Py_NewRef(issue);
    if (PyErr_Occurred()) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *error = NULL; /* a leaf parser's error of the value */
    if (is_leaf_error(exc)) {
        error = Py_NewRef(exc);
    }
    else { /* a decline of the check: the element hook tells (as _explain runs it) */
        PyObject *args[2] = {v, Py_None};
        PyObject *ok = PyObject_Vectorcall(f->inner, args, 2, NULL);
        if (ok != NULL) {
            Py_DECREF(ok);
            return NULL;
        }
        if (!PyErr_ExceptionMatches(PyExc_Exception)) return NULL; /* _recover re-raises it */
        error = fetch_exception();
        if (!is_leaf_error(error)) {
            Py_DECREF(error);
            return NULL;
        }
    }
    PyObject *code = PyObject_GetAttrString(error, "code");
    PyObject *message = code == NULL ? NULL : PyObject_GetAttrString(error, "message");
    PyObject *made = NULL;
    if (message != NULL && PyUnicode_CheckExact(code) && PyUnicode_CheckExact(message) &&
        !(f->worded && PyUnicode_Compare(code, g_wrong_type) == 0)) {
        PyObject *values[4] = {f->path, code, message, g_error};
        made = new_with_slots(g_issue, g_issue_slots, values);
    }
    if (made == NULL) PyErr_Clear();
    Py_XDECREF(code);
    Py_XDECREF(message);
    Py_DECREF(error);
    return made;
}



/* The model instance of a builder: object.__new__, then each slot stored through its
 * member descriptor (as attrs' __init__ does for a frozen slotted class); NULL on an error. */
static PyObject *
build_instance(Builder *b, PyObject **vals)
{
    PyObject *o = b->target->tp_alloc(b->target, 0);
    for (Py_ssize_t i = 0; o != NULL && i < b->nfields; i++) {
        PyObject *descr = b->fields[i].descr;
        if (Py_TYPE(descr)->tp_descr_set(descr, o, vals[i]) < 0) Py_CLEAR(o);
    }
    return o;
}

/* Sort ``fixes`` (fix i made for field fixed[i]) by the place of their field's key in the
 * payload ``d``, keeping the fields' order among equals (list.sort is stable too). */
static int
payload_order(Builder *b, PyObject *d, PyObject *fixes, const Py_ssize_t *fixed)
{
    Py_ssize_t nf = PyList_GET_SIZE(fixes);
    Py_ssize_t rank[64];
    for (Py_ssize_t j = 0; j < nf; j++) rank[j] = PY_SSIZE_T_MAX;
    PyObject *key, *value;
    Py_ssize_t pos = 0, index = 0;
    while (PyDict_Next(d, &pos, &key, &value)) {
        for (Py_ssize_t j = 0; j < nf; j++) {
            PyObject *name = b->fields[fixed[j]].name;
            if (rank[j] != PY_SSIZE_T_MAX) continue;
            int same = key == name;
            if (!same && PyUnicode_Check(key)) {
                same = PyUnicode_Compare(key, name) == 0;
                if (same == 0 && PyErr_Occurred()) return -1;
            }
            if (same) rank[j] = index;
        }
        index++;
    }
    for (Py_ssize_t i = 1; i < nf; i++) { /* insertion sort: a handful of fixes */
        Py_ssize_t r = rank[i];
        PyObject *item = PyList_GET_ITEM(fixes, i);
        Py_ssize_t j = i - 1;
        while (j >= 0 && rank[j] > r) {
            rank[j + 1] = rank[j];
            PyList_SET_ITEM(fixes, j + 1, PyList_GET_ITEM(fixes, j));
            j--;
        }
        rank[j + 1] = r;
        PyList_SET_ITEM(fixes, j + 1, item);
    }
    return 0;
}

/* normalize()'s generated function: (value, copy[, fixes]) of a payload that is canonical,
 * but for top-level values that their readers repair (B_REPAIR); declines otherwise. */
static PyObject *
canonical_call(Builder *b, PyObject *d, PyObject *readers)
{
    if (!PyDict_CheckExact(d)) {
        decline_builder(b, "not an object");
        return NULL;
    }
    if (readers != NULL && !PyTuple_CheckExact(readers)) {
        PyErr_SetString(PyExc_TypeError, "the readers must be a tuple");
        return NULL;
    }
    Py_ssize_t n = b->nfields;
    PyObject *values[64];
    PyObject **vals = values;
    if (n > 64) {
        vals = PyMem_Malloc(sizeof(PyObject *) * (size_t)n);
        if (vals == NULL) return PyErr_NoMemory();
    }
    Py_ssize_t done = 0;
    Py_ssize_t fixed[64]; /* the field of each fix (in the order they were made) */
    PyObject *result = NULL;
    PyObject *fixes = NULL;
    PyObject *copy = PyDict_Copy(d); /* unknown keys stay, in their place */
    if (copy == NULL) goto fail;
    if (readers != NULL && (fixes = PyList_New(0)) == NULL) goto fail;
    for (; done < n; done++) {
        Field *f = &b->fields[done];
        PyObject *v = PyDict_GetItemWithError(d, f->name);
        if (v == NULL) {
            if (PyErr_Occurred()) goto fail;
            if (f->flags & F_REQUIRED) { /* the lenient walk may fill it in */
                decline(f, "missing");
                goto fail;
            }
            vals[done] = Py_NewRef(g_absent);
            continue;
        }
        Py_INCREF(v);
        if (v == Py_None && (f->flags & F_NULLABLE)) {
            vals[done] = v;
            continue;
        }
        PyObject *r;
        if (f->flags & F_MANY) {
            r = canonical_list(b, f, v, copy);
        }
        else {
            r = canonical_value(b, f, v, copy, readers != NULL && f->reader >= 0);
            if (r == g_not_canonical) {
                Py_ssize_t before = readers != NULL ? PyList_GET_SIZE(fixes) : 0;
                r = readers != NULL ? repair(b, f, v, readers, copy, fixes) : NULL;
                if (readers == NULL) decline(f, "not canonical");
                if (r != NULL && PyList_GET_SIZE(fixes) > before && before < 64) {
                    fixed[before] = done;
                }
            }
        }
        Py_DECREF(v);
        if (r == NULL) goto fail;
        vals[done] = r;
    }
    PyObject *o = build_instance(b, vals);
    if (o == NULL) goto fail;
    if (fixes != NULL && g_result != NULL && PyList_GET_SIZE(fixes) <= 64) {
        /* normalize()'s result itself, the fixes in the order of the payload's keys (the
         * lenient walk's order; they were made in the fields' order) */
        if (PyList_GET_SIZE(fixes) > 1 && payload_order(b, d, fixes, fixed) < 0) {
            Py_DECREF(o);
            goto fail;
        }
        PyObject *tuple = PyList_AsTuple(fixes);
        PyObject *parts[4] = {o, copy, tuple, g_empty};
        result = tuple == NULL ? NULL : new_with_slots(g_result, g_result_slots, parts);
        Py_XDECREF(tuple);
    }
    else {
        result = fixes != NULL ? PyTuple_Pack(3, o, copy, fixes) : PyTuple_Pack(2, o, copy);
    }
    Py_DECREF(o);
fail:
    Py_XDECREF(copy);
    Py_XDECREF(fixes);
    for (Py_ssize_t i = 0; i < done; i++) Py_DECREF(vals[i]);
    if (vals != values) PyMem_Free(vals);
    return result;
}

static PyObject *builder_run(PyObject *self, PyObject *const *args, size_t nargsf,
                             PyObject *kwnames);

/* The call of a builder, counted as a recursion (nested builders call each other in C). */
static PyObject *
builder_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (Py_EnterRecursiveCall(" while building a model")) return NULL;
    PyObject *result = builder_run(self, args, nargsf, kwnames);
    Py_LeaveRecursiveCall();
    return result;
}

static PyObject *
builder_run(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Builder *b = (Builder *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    int track = b->flags & B_TRACK;
    int two = track || (b->flags & B_REPAIR);
    if (kwnames != NULL || nargs != (two ? 2 : 1)) {
        PyErr_Format(PyExc_TypeError, "%U takes %d positional argument(s)", b->title,
                     two ? 2 : 1);
        return NULL;
    }
    if (b->flags & B_CANONICAL) return canonical_call(b, args[0], two ? args[1] : NULL);
    PyObject *d = args[0];
    PyObject *w = track ? args[1] : NULL;
    int typed = b->flags & B_TYPED;
    if (track && !PyList_CheckExact(w)) {
        PyErr_SetString(PyExc_TypeError, "the warnings must be a list");
        return NULL;
    }
    if (!typed && !PyDict_CheckExact(d)) {
        decline_builder(b, "not an object");
        return NULL;
    }
    Py_ssize_t n = b->nfields;
    PyObject *values[64];
    PyObject **vals = values;
    if (n > 64) {
        vals = PyMem_Malloc(sizeof(PyObject *) * (size_t)n);
        if (vals == NULL) return PyErr_NoMemory();
    }
    Py_ssize_t done = 0;
    Py_ssize_t present = n;
    PyObject *o = NULL;
    PyObject *row = NULL; /* B_TYPED with values: the mirror's values */
    int recover = b->flags & B_RECOVER;
    PyObject *out = Py_None; /* B_RECOVER: the issues found (a list), or None */
    Py_INCREF(out);
    if (typed && b->values != NULL) {
        row = PyObject_CallOneArg(b->values, d);
        if (row == NULL) goto fail;
        if (!PyTuple_CheckExact(row) || PyTuple_GET_SIZE(row) != n) {
            PyErr_SetString(PyExc_TypeError, "the mirror's values do not match its fields");
            goto fail;
        }
    }
    for (; done < n; done++) {
        Field *f = &b->fields[done];
        PyObject *v;
        if (row != NULL) {
            v = Py_NewRef(PyTuple_GET_ITEM(row, done));
        }
        else if (typed) {
            v = PyObject_GetAttr(d, f->name);
            if (v == NULL) goto fail;
        }
        else {
            v = PyDict_GetItemWithError(d, f->name);
            if (v == NULL) {
                if (PyErr_Occurred()) goto fail;
                present--;
                if (f->flags & F_REQUIRED) {
                    if (!recover) {
                        decline(f, "missing");
                        goto fail;
                    }
                    PyObject *args[2] = {out, f->name};
                    PyObject *r = PyObject_Vectorcall(b->missing_key, args, 2, NULL);
                    if (r == NULL) goto fail;
                    Py_SETREF(out, r);
                }
                vals[done] = Py_NewRef(g_absent);
                continue;
            }
            Py_INCREF(v);
        }
        if ((typed && v == g_absent) || (v == Py_None && (f->flags & F_NULLABLE))) {
            vals[done] = v;
            continue;
        }
        PyObject *r = (f->flags & F_MANY) ? check_list(b, f, v, w) : check_value(b, f, v, w);
        Py_DECREF(v);
        if (r == NULL) {
            if (!recover || !PyErr_ExceptionMatches(PyExc_Exception)) goto fail;
            /* as the generated Python's ``except Exception as e: out = _recover(...)`` */
            PyObject *exc = fetch_exception();
            PyObject *issue = quick_recovery(f, exc, v);
            if (issue != NULL) {
                if (out == Py_None) {
                    PyObject *issues = PyList_New(0);
                    if (issues == NULL) {
                        Py_DECREF(issue);
                        Py_DECREF(exc);
                        goto fail;
                    }
                    Py_SETREF(out, issues);
                }
                int appended = PyList_Append(out, issue);
                Py_DECREF(issue);
                Py_DECREF(exc);
                if (appended < 0) goto fail;
                vals[done] = Py_NewRef(Py_None);
                continue;
            }
            PyObject *args[5] = {f->recovery, exc, d, out, w};
            PyObject *issues = PyObject_Vectorcall(b->recover, args, 5, NULL);
            Py_DECREF(exc);
            if (issues == NULL) goto fail;
            Py_SETREF(out, issues);
            r = Py_NewRef(Py_None);
        }
        vals[done] = r;
    }
    if (!typed && (b->flags & (B_FORBID | B_TRACK)) && present != PyDict_GET_SIZE(d)) {
        if (recover && (b->flags & B_FORBID)) {
            PyObject *args[3] = {d, b->names, out};
            PyObject *r = PyObject_Vectorcall(b->unknown_keys, args, 3, NULL);
            if (r == NULL) goto fail;
            Py_SETREF(out, r);
        }
        else if (b->flags & B_FORBID) {
            decline_builder(b, "unknown keys");
            goto fail;
        }
        else if (PyList_Append(w, g_unknown_key) < 0) {
            goto fail;
        }
    }
    if (out != Py_None) {
        if (PyList_Append(w, out) == 0) o = Py_NewRef(b->invalid);
        goto fail;
    }
    o = build_instance(b, vals);
fail:
    Py_DECREF(out);
    Py_XDECREF(row);
    for (Py_ssize_t i = 0; i < done; i++) Py_DECREF(vals[i]);
    if (vals != values) PyMem_Free(vals);
    return o;
}

static void
builder_dealloc(Builder *b)
{
    for (Py_ssize_t i = 0; i < b->nfields; i++) {
        Field *f = &b->fields[i];
        Py_XDECREF(f->name);
        Py_XDECREF(f->where);
        Py_XDECREF(f->fn);
        Py_XDECREF(f->extra1);
        Py_XDECREF(f->extra2);
        Py_XDECREF(f->descr);
        Py_XDECREF(f->recovery);
        Py_XDECREF(f->path);
        Py_XDECREF(f->wrong);
        Py_XDECREF(f->inner);
    }
    PyMem_Free(b->fields);
    Py_XDECREF(b->recover);
    Py_XDECREF(b->missing_key);
    Py_XDECREF(b->unknown_keys);
    Py_XDECREF(b->names);
    Py_XDECREF(b->invalid);
    Py_XDECREF(b->values);
    Py_XDECREF(b->target);
    Py_XDECREF(b->title);
    PyTypeObject *tp = Py_TYPE(b);
    tp->tp_free((PyObject *)b);
}

static PyObject *
builder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"target", "fields", "flags", "title", "recovery", "values", NULL};
    PyObject *target, *fields, *title, *recovery = NULL, *values = NULL;
    int flags;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!iU|OO", kwlist, &PyType_Type, &target,
                                     &PyTuple_Type, &fields, &flags, &title, &recovery,
                                     &values)) {
        return NULL;
    }
    if (recovery == Py_None) recovery = NULL;
    if (values == Py_None) values = NULL;
    if ((recovery != NULL && !PyTuple_Check(recovery)) ||
        (values != NULL && (!PyCallable_Check(values) || !(flags & B_TYPED)))) {
        PyErr_SetString(PyExc_TypeError,
                        "recovery is a tuple; values a callable, for a mirror (B_TYPED)");
        return NULL;
    }
    if (((flags & (B_RECOVER | B_REPAIR)) != 0) != (recovery != NULL) ||
        ((flags & B_RECOVER) && ((flags & B_TYPED) || !(flags & B_TRACK))) ||
        ((flags & B_REPAIR) && !(flags & B_CANONICAL)) ||
        ((flags & B_CANONICAL) && (flags & (B_TYPED | B_TRACK | B_FORBID | B_RECOVER)))) {
        PyErr_SetString(PyExc_TypeError,
                        "B_RECOVER (dicts, tracking warnings) and B_REPAIR (B_CANONICAL, dicts) "
                        "go with a recovery tuple, and only they");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(fields);
    Builder *b = (Builder *)type->tp_alloc(type, 0);
    if (b == NULL) return NULL;
    b->vectorcall = builder_call;
    b->fields = PyMem_Calloc((size_t)(n ? n : 1), sizeof(Field));
    if (b->fields == NULL) {
        Py_DECREF(b);
        return PyErr_NoMemory();
    }
    b->target = (PyTypeObject *)Py_NewRef(target);
    b->title = Py_NewRef(title);
    b->values = Py_XNewRef(values);
    b->flags = flags;
    if ((flags & B_RECOVER) &&
        !PyArg_ParseTuple(recovery, "OOOOO;recovery is (recover, missing_key, unknown_keys, "
                                    "names, invalid)",
                          &b->recover, &b->missing_key, &b->unknown_keys, &b->names,
                          &b->invalid)) {
        b->recover = b->missing_key = b->unknown_keys = b->names = b->invalid = NULL;
        Py_DECREF(b);
        return NULL;
    }
    if ((flags & B_REPAIR) && !PyArg_ParseTuple(recovery, "O;recovery is (new_fix,)",
                                                &b->recover)) {
        b->recover = NULL;
        Py_DECREF(b);
        return NULL;
    }
    Py_XINCREF(b->recover);
    Py_XINCREF(b->missing_key);
    Py_XINCREF(b->unknown_keys);
    Py_XINCREF(b->names);
    Py_XINCREF(b->invalid);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PyTuple_GET_ITEM(fields, i);
        Field *f = &b->fields[i];
        PyObject *name, *where, *fn, *extra1, *extra2, *descr, *rescue = Py_None;
        if (!PyArg_ParseTuple(row, "UUiiOOOO|O;a field is (name, where, op, flags, fn, extra1, "
                                   "extra2, descriptor[, recovery])",
                              &name, &where, &f->op, &f->flags, &fn, &extra1, &extra2, &descr,
                              &rescue)) {
            Py_DECREF(b);
            return NULL;
        }
        b->nfields = i + 1;
        Py_INCREF(name);
        PyUnicode_InternInPlace(&name);
        f->name = name;
        f->where = Py_NewRef(where);
        f->fn = Py_NewRef(fn);
        f->extra1 = Py_NewRef(extra1);
        f->extra2 = Py_NewRef(extra2);
        f->descr = Py_NewRef(descr);
        f->recovery = Py_NewRef(rescue);
        f->reader = -1;
        if ((flags & B_REPAIR) && rescue != Py_None) {
            PyObject *path;
            if (!PyArg_ParseTuple(rescue, "nU;a repaired field has (reader index, path)",
                                  &f->reader, &path)) {
                Py_DECREF(b);
                return NULL;
            }
            f->path = Py_NewRef(path);
        }
        if ((flags & B_RECOVER) && rescue != Py_None) {
            PyObject *quick = PyObject_GetAttrString(rescue, "quick");
            if (quick == NULL) PyErr_Clear();
            if (quick != NULL && quick != Py_None) {
                PyObject *path, *wrong, *inner;
                int worded;
                if (!PyArg_ParseTuple(quick,
                                      "UO!pO;a quick recovery is (path, dict, worded, hook)",
                                      &path, &PyDict_Type, &wrong, &worded, &inner)) {
                    Py_DECREF(quick);
                    Py_DECREF(b);
                    return NULL;
                }
                f->path = Py_NewRef(path);
                f->wrong = Py_NewRef(wrong);
                f->worded = worded;
                f->inner = Py_NewRef(inner);
            }
            Py_XDECREF(quick);
        }
        if (Py_TYPE(descr)->tp_descr_set == NULL) {
            PyErr_Format(PyExc_TypeError, "%U: not a settable descriptor: %R", where, descr);
            Py_DECREF(b);
            return NULL;
        }
        if (f->op < OP_STRING || f->op > OP_STRING_OR_INT) {
            PyErr_Format(PyExc_ValueError, "%U: unknown operation %d", where, f->op);
            Py_DECREF(b);
            return NULL;
        }
        if (f->op == OP_ENUM && !PyDict_CheckExact(extra1)) {
            PyErr_Format(PyExc_TypeError, "%U: the members must be a dict", where);
            Py_DECREF(b);
            return NULL;
        }
        if ((f->flags & F_MANY) && extra2 != Py_None && !PyAnySet_Check(extra2)) {
            PyErr_Format(PyExc_TypeError, "%U: the locale codes must be a set", where);
            Py_DECREF(b);
            return NULL;
        }
    }
    return (PyObject *)b;
}

/* Replace a callable given by name (a function generated after the builder or writer that
 * calls it) by its value in ``namespace``: 0, or -1 with an error. */
static int
resolve_name(PyObject **fn, PyObject *namespace)
{
    if (!PyDict_Check(namespace)) {
        PyErr_SetString(PyExc_TypeError, "resolve() takes a dict");
        return -1;
    }
    if (!PyUnicode_Check(*fn)) return 0;
    PyObject *value = PyDict_GetItemWithError(namespace, *fn);
    if (value == NULL) {
        if (!PyErr_Occurred()) PyErr_Format(PyExc_KeyError, "%U", *fn);
        return -1;
    }
    Py_SETREF(*fn, Py_NewRef(value));
    return 0;
}

static PyObject *
builder_resolve(Builder *b, PyObject *namespace)
{
    for (Py_ssize_t i = 0; i < b->nfields; i++) {
        if (resolve_name(&b->fields[i].fn, namespace) < 0) return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
builder_repr(Builder *b)
{
    return PyUnicode_FromFormat("<native builder %U>", b->title);
}

static PyObject *
builder_get_fields(Builder *b, void *closure)
{
    PyObject *out = PyTuple_New(b->nfields);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < b->nfields; i++) {
        Field *f = &b->fields[i];
        PyObject *row = Py_BuildValue("(OOiiOOOO)", f->name, f->where, f->op, f->flags, f->fn,
                                      f->extra1, f->extra2, f->descr);
        if (row == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyTuple_SET_ITEM(out, i, row);
    }
    return out;
}

static PyObject *
builder_get_target(Builder *b, void *closure)
{
    return Py_NewRef((PyObject *)b->target);
}

static PyObject *
builder_get_flags(Builder *b, void *closure)
{
    return PyLong_FromLong(b->flags);
}

static PyObject *
builder_get_title(Builder *b, void *closure)
{
    return Py_NewRef(b->title);
}

static PyGetSetDef builder_getset[] = {
    {"fields", (getter)builder_get_fields, NULL, "the rows it checks (callables resolved)"},
    {"target", (getter)builder_get_target, NULL, "the model it builds"},
    {"flags", (getter)builder_get_flags, NULL, "the B_* flags of the builder"},
    {"title", (getter)builder_get_title, NULL, "how a decline names the model"},
    {NULL},
};

static PyMethodDef builder_methods[] = {
    {"resolve", (PyCFunction)builder_resolve, METH_O,
     "Replace the callables named by str by their values in the namespace."},
    {NULL},
};

static PyTypeObject BuilderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lms_schema._gen._native.Builder",
    .tp_basicsize = sizeof(Builder),
    .tp_dealloc = (destructor)builder_dealloc,
    .tp_vectorcall_offset = offsetof(Builder, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_repr = (reprfunc)builder_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "Builder(target, fields, flags, title, recovery=None, values=None): a generated "
              "model function, in C.",
    .tp_new = builder_new,
    .tp_methods = builder_methods,
    .tp_getset = builder_getset,
};


/* -- unstructure() and dumps(): the writers ----------------------------------------------- */

/* A Writer is the compiled form of one generated unstructure function (lms_schema._gen.fast,
 * "unstructuring"): per field, the attribute to read, the operation of its kind and what it
 * needs; a value of another type than the field's declared one goes to the generic function
 * (unstructure_value), as in the generated Python. W_JSON: for orjson (dumps), which writes
 * UUIDs, open-enum values and whole-second UTC date-times itself. */

enum { W_JSON = 1 };

typedef struct {
    PyObject *name;
    int op;
    int flags;
    PyObject *fn;    /* OP_RELATION / OP_OBJECT: the writer of the model (a str: a name) */
    PyObject *extra; /* OP_ENUM: the enum class; OP_RELATION / OP_OBJECT: the model class;
                      * OP_DATETIME: the Python writer; OP_CALL: the Duration class */
    PyObject *descr; /* the member descriptor of the field's slot, or None */
    PyObject *text;  /* OP_CALL: the member descriptor of the Duration's cached text, or None */
} Column;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *title;
    PyObject *generic;
    PyTypeObject *target; /* the model: its slots are read through their descriptors */
    int flags;
    Py_ssize_t ncolumns;
    Column *columns;
} Writer;

/* str(uuid): the 128-bit int of its ``int`` slot as 8-4-4-4-12 lower-case hex. */
static PyObject *
uuid_text(PyObject *u)
{
    descrgetfunc get = Py_TYPE(g_set_int)->tp_descr_get;
    PyObject *number = get(g_set_int, u, (PyObject *)Py_TYPE(u));
    if (number == NULL) return NULL;
    unsigned char bytes[16];
    if (!PyLong_CheckExact(number) || _PyLong_Sign(number) < 0 ||
        _PyLong_NumBits(number) > 128) {
        Py_DECREF(number);
        return PyObject_Str(u); /* not what a UUID holds: its own str() */
    }
#if PY_VERSION_HEX >= 0x030D0000
    Py_ssize_t got = PyLong_AsNativeBytes(number, bytes, 16,
                                          Py_ASNATIVEBYTES_BIG_ENDIAN |
                                              Py_ASNATIVEBYTES_UNSIGNED_BUFFER);
    int failed = got < 0;
#else
    int failed = _PyLong_AsByteArray((PyLongObject *)number, bytes, 16, 0, 0) < 0;
#endif
    Py_DECREF(number);
    if (failed) return NULL;
    char out[36];
    static const char digits[] = "0123456789abcdef";
    int j = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[j++] = '-';
        out[j++] = digits[bytes[i] >> 4];
        out[j++] = digits[bytes[i] & 0xf];
    }
    return PyUnicode_FromStringAndSize(out, 36);
}

/* format_datetime's text of an aware UTC datetime: YYYY-MM-DDThh:mm:ss, the fraction without
 * its trailing zeros when not zero, Z. */
static PyObject *
utc_text(PyObject *dt)
{
    char out[40];
    int n = snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02d",
                     PyDateTime_GET_YEAR(dt), PyDateTime_GET_MONTH(dt), PyDateTime_GET_DAY(dt),
                     PyDateTime_DATE_GET_HOUR(dt), PyDateTime_DATE_GET_MINUTE(dt),
                     PyDateTime_DATE_GET_SECOND(dt));
    int us = PyDateTime_DATE_GET_MICROSECOND(dt);
    if (us) {
        n += snprintf(out + n, sizeof(out) - (size_t)n, ".%06d", us);
        while (out[n - 1] == '0') n--;
    }
    out[n++] = 'Z';
    return PyUnicode_FromStringAndSize(out, n);
}

static PyObject *
write_generic(Writer *w, PyObject *v)
{
    return PyObject_CallOneArg(w->generic, v);
}

/* One non-null value of a column: its JSON-ready form (a new reference), or NULL. */
static PyObject *
write_value(Writer *w, Column *c, PyObject *v)
{
    PyTypeObject *tp = Py_TYPE(v);
    int json = w->flags & W_JSON;
    switch (c->op) {
    case OP_STRING:
        if (tp == &PyUnicode_Type) return Py_NewRef(v);
        break;
    case OP_INT64:
        if (tp == &PyLong_Type) return Py_NewRef(v);
        break;
    case OP_STRING_OR_INT:
        if (tp == &PyUnicode_Type || tp == &PyLong_Type) return Py_NewRef(v);
        break;
    case OP_UUID:
        if (tp == (PyTypeObject *)g_uuid_type) return json ? Py_NewRef(v) : uuid_text(v);
        break;
    case OP_DATETIME:
        if (tp == PyDateTimeAPI->DateTimeType) {
            PyObject *zone = PyDateTime_DATE_GET_TZINFO(v);
            if (zone == g_utc) {
                if (json && PyDateTime_DATE_GET_MICROSECOND(v) == 0) return Py_NewRef(v);
                return utc_text(v);
            }
            return PyObject_CallOneArg(c->extra, v);
        }
        break;
    case OP_CALL:
        if (tp == (PyTypeObject *)c->extra) {
            if (c->text != Py_None) { /* the canonical text the Duration keeps */
                PyObject *text = Py_TYPE(c->text)->tp_descr_get(c->text, v, c->extra);
                if (text != NULL && PyUnicode_CheckExact(text)) return text;
                if (text == NULL) PyErr_Clear();
                Py_XDECREF(text);
            }
            return PyObject_Str(v);
        }
        break;
    case OP_ENUM:
        if (tp == (PyTypeObject *)c->extra) return json ? Py_NewRef(v) : PyObject_Str(v);
        break;
    case OP_CHECK: /* a verbatim JSON object, or any JSON value (extra: None) */
        if (c->extra != Py_None && tp == &PyDict_Type) return Py_NewRef(v);
        break;
    case OP_RELATION:
        if (tp == (PyTypeObject *)g_uuid_type) return json ? Py_NewRef(v) : uuid_text(v);
        if (c->extra == Py_None) {
            if (tp == &PyDict_Type) return Py_NewRef(v);
            break;
        }
        if (tp == (PyTypeObject *)c->extra) return PyObject_CallOneArg(c->fn, v);
        break;
    case OP_OBJECT:
        if (c->extra != Py_None && tp == (PyTypeObject *)c->extra) {
            return PyObject_CallOneArg(c->fn, v);
        }
        break;
    }
    return write_generic(w, v);
}

static PyObject *
writer_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Writer *w = (Writer *)self;
    if (kwnames != NULL || PyVectorcall_NARGS(nargsf) != 1) {
        PyErr_Format(PyExc_TypeError, "%U takes 1 positional argument", w->title);
        return NULL;
    }
    PyObject *o = args[0];
    /* models nest as deep as a program builds them; C calling C is not counted by the
     * interpreter: count it here (RecursionError, as the generated Python gives) */
    if (Py_EnterRecursiveCall(" while writing a model")) return NULL;
    PyObject *d = PyDict_New();
    if (d == NULL) {
        Py_LeaveRecursiveCall();
        return NULL;
    }
    int slots = Py_TYPE(o) == w->target;
    for (Py_ssize_t i = 0; i < w->ncolumns; i++) {
        Column *c = &w->columns[i];
        PyObject *v;
        if (slots && c->descr != Py_None) {
            v = Py_TYPE(c->descr)->tp_descr_get(c->descr, o, (PyObject *)w->target);
        }
        else {
            v = PyObject_GetAttr(o, c->name);
        }
        if (v == NULL) goto fail;
        if (v == g_absent) {
            Py_DECREF(v);
            continue;
        }
        PyObject *r;
        if (v == Py_None && (c->flags & F_NULLABLE)) {
            r = Py_NewRef(Py_None);
        }
        else if (c->flags & F_MANY) {
            if (Py_TYPE(v) == &PyList_Type) {
                Py_ssize_t n = PyList_GET_SIZE(v);
                r = PyList_New(n);
                for (Py_ssize_t k = 0; r != NULL && k < n; k++) {
                    PyObject *x = write_value(w, c, PyList_GET_ITEM(v, k));
                    if (x == NULL || PyList_GET_SIZE(v) != n) {
                        if (x != NULL) {
                            Py_DECREF(x);
                            PyErr_SetString(PyExc_RuntimeError, "a list changed as it was written");
                        }
                        Py_CLEAR(r);
                        break;
                    }
                    PyList_SET_ITEM(r, k, x);
                }
            }
            else {
                r = write_generic(w, v);
            }
        }
        else {
            r = write_value(w, c, v);
        }
        Py_DECREF(v);
        if (r == NULL) goto fail;
        int stored = PyDict_SetItem(d, c->name, r);
        Py_DECREF(r);
        if (stored < 0) goto fail;
    }
    Py_LeaveRecursiveCall();
    return d;
fail:
    Py_LeaveRecursiveCall();
    Py_DECREF(d);
    return NULL;
}

static void
writer_dealloc(Writer *w)
{
    for (Py_ssize_t i = 0; i < w->ncolumns; i++) {
        Py_XDECREF(w->columns[i].name);
        Py_XDECREF(w->columns[i].fn);
        Py_XDECREF(w->columns[i].extra);
        Py_XDECREF(w->columns[i].descr);
        Py_XDECREF(w->columns[i].text);
    }
    PyMem_Free(w->columns);
    Py_XDECREF(w->target);
    Py_XDECREF(w->title);
    Py_XDECREF(w->generic);
    Py_TYPE(w)->tp_free((PyObject *)w);
}

static PyObject *
writer_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"target", "columns", "flags", "title", "generic", NULL};
    PyObject *target, *columns, *title, *generic;
    int flags;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!iUO", kwlist, &PyType_Type, &target,
                                     &PyTuple_Type, &columns, &flags, &title, &generic)) {
        return NULL;
    }
    if (g_uuid_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(columns);
    Writer *w = (Writer *)type->tp_alloc(type, 0);
    if (w == NULL) return NULL;
    w->vectorcall = writer_call;
    w->columns = PyMem_Calloc((size_t)(n ? n : 1), sizeof(Column));
    if (w->columns == NULL) {
        Py_DECREF(w);
        return PyErr_NoMemory();
    }
    w->title = Py_NewRef(title);
    w->generic = Py_NewRef(generic);
    w->target = (PyTypeObject *)Py_NewRef(target);
    w->flags = flags;
    for (Py_ssize_t i = 0; i < n; i++) {
        Column *c = &w->columns[i];
        PyObject *name, *fn, *extra, *descr, *text;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(columns, i),
                              "UiiOOOO;a column is (name, op, flags, fn, extra, descriptor, "
                              "text descriptor)",
                              &name, &c->op, &c->flags, &fn, &extra, &descr, &text)) {
            Py_DECREF(w);
            return NULL;
        }
        w->ncolumns = i + 1;
        Py_INCREF(name);
        PyUnicode_InternInPlace(&name);
        c->name = name;
        c->fn = Py_NewRef(fn);
        c->extra = Py_NewRef(extra);
        c->descr = Py_NewRef(descr);
        c->text = Py_NewRef(text);
        if ((descr != Py_None && Py_TYPE(descr)->tp_descr_get == NULL) ||
            (text != Py_None && Py_TYPE(text)->tp_descr_get == NULL)) {
            PyErr_Format(PyExc_TypeError, "%U: not a descriptor", name);
            Py_DECREF(w);
            return NULL;
        }
        if (c->op < OP_STRING || c->op > OP_STRING_OR_INT) {
            PyErr_Format(PyExc_ValueError, "%U: unknown operation %d", name, c->op);
            Py_DECREF(w);
            return NULL;
        }
        int typed = c->op == OP_ENUM || c->op == OP_CALL ||
                    ((c->op == OP_RELATION || c->op == OP_OBJECT) && extra != Py_None);
        if (typed && !PyType_Check(extra)) {
            PyErr_Format(PyExc_TypeError, "%U: the class must be a type", name);
            Py_DECREF(w);
            return NULL;
        }
    }
    return (PyObject *)w;
}

static PyObject *
writer_resolve(Writer *w, PyObject *namespace)
{
    for (Py_ssize_t i = 0; i < w->ncolumns; i++) {
        if (resolve_name(&w->columns[i].fn, namespace) < 0) return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
writer_repr(Writer *w)
{
    return PyUnicode_FromFormat("<native writer %U>", w->title);
}

static PyMethodDef writer_methods[] = {
    {"resolve", (PyCFunction)writer_resolve, METH_O,
     "Replace the writers named by str by their values in the namespace."},
    {NULL},
};

static PyTypeObject WriterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lms_schema._gen._native.Writer",
    .tp_basicsize = sizeof(Writer),
    .tp_dealloc = (destructor)writer_dealloc,
    .tp_vectorcall_offset = offsetof(Writer, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_repr = (reprfunc)writer_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "Writer(target, columns, flags, title, generic): a generated unstructure "
              "function, in C.",
    .tp_new = writer_new,
    .tp_methods = writer_methods,
};

static PyObject *
configure(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"declined", "absent", "uuid_type", "uuid_safe", "utc", NULL};
    PyObject *declined, *absent, *uuid_type, *uuid_safe, *utc;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO!OO", kwlist, &declined, &absent,
                                     &PyType_Type, &uuid_type, &uuid_safe, &utc)) {
        return NULL;
    }
    PyObject *dict = ((PyTypeObject *)uuid_type)->tp_dict;
    PyObject *set_int = PyDict_GetItemString(dict, "int");
    PyObject *set_safe = PyDict_GetItemString(dict, "is_safe");
    if (set_int == NULL || set_safe == NULL || Py_TYPE(set_int)->tp_descr_set == NULL ||
        Py_TYPE(set_safe)->tp_descr_set == NULL) {
        PyErr_SetString(PyExc_TypeError, "uuid_type has no int and is_safe slots");
        return NULL;
    }
    Py_XSETREF(g_declined, Py_NewRef(declined));
    Py_XSETREF(g_absent, Py_NewRef(absent));
    Py_XSETREF(g_uuid_type, Py_NewRef(uuid_type));
    Py_XSETREF(g_uuid_safe, Py_NewRef(uuid_safe));
    Py_XSETREF(g_utc, Py_NewRef(utc));
    Py_XSETREF(g_set_int, Py_NewRef(set_int));
    Py_XSETREF(g_set_safe, Py_NewRef(set_safe));
    Py_RETURN_NONE;
}

/* The descriptors of four slots of a class (0), or -1 with a TypeError. */
static int
four_slots(PyObject *type, const char **names, PyObject **slots)
{
    if (!PyType_Check(type)) {
        PyErr_SetString(PyExc_TypeError, "configure_result() takes classes");
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        slots[i] = PyDict_GetItemString(((PyTypeObject *)type)->tp_dict, names[i]);
        if (slots[i] == NULL || Py_TYPE(slots[i])->tp_descr_set == NULL) {
            PyErr_Format(PyExc_TypeError, "%R has no %s slot", type, names[i]);
            return -1;
        }
    }
    return 0;
}

static PyObject *
configure_result(PyObject *module, PyObject *args)
{
    static const char *result_names[4] = {"value", "payload", "fixes", "errors"};
    static const char *fix_names[4] = {"path", "rule", "before", "after"};
    PyObject *result, *fix, *slots[4], *fix_slots[4];
    if (!PyArg_ParseTuple(args, "OO:configure_result", &result, &fix) ||
        four_slots(result, result_names, slots) < 0 || four_slots(fix, fix_names, fix_slots) < 0) {
        return NULL;
    }
    for (int i = 0; i < 4; i++) {
        Py_XSETREF(g_result_slots[i], Py_NewRef(slots[i]));
        Py_XSETREF(g_fix_slots[i], Py_NewRef(fix_slots[i]));
    }
    Py_XSETREF(g_result, (PyTypeObject *)Py_NewRef(result));
    Py_XSETREF(g_fix, (PyTypeObject *)Py_NewRef(fix));
    Py_RETURN_NONE;
}

static PyObject *
configure_issues(PyObject *module, PyObject *args)
{
    (void)module;
    static const char *names[4] = {"path", "code", "message", "severity"};
    PyObject *issue, *leaf_errors, *state, *slots[4];
    if (!PyArg_ParseTuple(args, "OO!O:configure_issues", &issue, &PyTuple_Type, &leaf_errors,
                          &state) ||
        four_slots(issue, names, slots) < 0) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(leaf_errors); i++) {
        if (!PyType_Check(PyTuple_GET_ITEM(leaf_errors, i))) {
            PyErr_SetString(PyExc_TypeError, "configure_issues(): leaf errors are classes");
            return NULL;
        }
    }
    if (g_error == NULL) {
        g_error = PyUnicode_InternFromString("error");
        g_wrong_type = PyUnicode_InternFromString("wrong_type");
        if (g_error == NULL || g_wrong_type == NULL) return NULL;
    }
    for (int i = 0; i < 4; i++) Py_XSETREF(g_issue_slots[i], Py_NewRef(slots[i]));
    Py_XSETREF(g_issue, (PyTypeObject *)Py_NewRef(issue));
    Py_XSETREF(g_leaf_errors, Py_NewRef(leaf_errors));
    Py_XSETREF(g_decline_state, Py_NewRef(state));
    Py_RETURN_NONE;
}

static PyObject *
uuid_from_text(PyObject *module, PyObject *text)
{
    static Field f = {0};
    if (f.where == NULL) {
        f.where = PyUnicode_InternFromString("uuid");
        if (f.where == NULL) return NULL;
    }
    if (g_uuid_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    return make_uuid(&f, text);
}

static PyObject *
datetime_from_text(PyObject *module, PyObject *text)
{
    if (g_utc == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    if (!PyUnicode_CheckExact(text)) Py_RETURN_NONE;
    PyObject *out = NULL;
    int found = common_datetime(text, &out);
    if (found == 0) found = offset_datetime(text, &out);
    if (found < 0) return NULL;
    if (found == 0) Py_RETURN_NONE;
    return out;
}

static PyMethodDef module_methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS,
     "configure(declined, absent, uuid_type, uuid_safe, utc): the shared objects."},
    {"configure_issues", configure_issues, METH_VARARGS,
     "configure_issues(Issue, leaf_errors, state): what validate()'s quick recovery makes its "
     "issues with, the leaf parsers' exception types, and the object whose ``declines`` is a "
     "list while declines are recorded"},
    {"configure_result", configure_result, METH_VARARGS,
     "configure_result(Normalized, Fix): what normalize()'s native builders return and the "
     "fixes they make ((value, copy, fixes) and new_fix's otherwise)."},
    {"uuid_from_text", uuid_from_text, METH_O,
     "The UUID of 36-character 8-4-4-4-12 text (raises the decline otherwise)."},
    {"datetime_from_text", datetime_from_text, METH_O,
     "The datetime of YYYY-MM-DDThh:mm:ss[.fff|.ffffff] text with Z or an offset; None for "
     "other shapes."},
    {NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "lms_schema._gen._native",
    .m_doc = "The native builders of the generated structure functions (see native.py).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC
PyInit__native(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) return NULL;
    if (PyType_Ready(&BuilderType) < 0 || PyType_Ready(&WriterType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL) return NULL;
    g_str_new = PyObject_GetAttrString((PyObject *)&PyUnicode_Type, "__new__");
    g_unknown_key = PyUnicode_InternFromString("unknown key");
    g_language = PyUnicode_InternFromString("language");
    g_empty = PyTuple_New(0);
    g_not_canonical = PyUnicode_FromString("not canonical"); /* never a value: compared by identity */
    if (g_not_canonical == NULL || g_str_new == NULL || g_unknown_key == NULL || g_language == NULL || g_empty == NULL) {
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&BuilderType);
    Py_INCREF(&WriterType);
    if (PyModule_AddObject(m, "Builder", (PyObject *)&BuilderType) < 0 ||
        PyModule_AddObject(m, "Writer", (PyObject *)&WriterType) < 0 ||
        PyModule_AddIntConstant(m, "W_JSON", W_JSON) < 0 ||
        PyModule_AddIntConstant(m, "OP_STRING", OP_STRING) < 0 ||
        PyModule_AddIntConstant(m, "OP_INT64", OP_INT64) < 0 ||
        PyModule_AddIntConstant(m, "OP_UUID", OP_UUID) < 0 ||
        PyModule_AddIntConstant(m, "OP_DATETIME", OP_DATETIME) < 0 ||
        PyModule_AddIntConstant(m, "OP_CALL", OP_CALL) < 0 ||
        PyModule_AddIntConstant(m, "OP_ENUM", OP_ENUM) < 0 ||
        PyModule_AddIntConstant(m, "OP_CHECK", OP_CHECK) < 0 ||
        PyModule_AddIntConstant(m, "OP_RELATION", OP_RELATION) < 0 ||
        PyModule_AddIntConstant(m, "OP_OBJECT", OP_OBJECT) < 0 ||
        PyModule_AddIntConstant(m, "OP_STRING_OR_INT", OP_STRING_OR_INT) < 0 ||
        PyModule_AddIntConstant(m, "F_REQUIRED", F_REQUIRED) < 0 ||
        PyModule_AddIntConstant(m, "F_NULLABLE", F_NULLABLE) < 0 ||
        PyModule_AddIntConstant(m, "F_MANY", F_MANY) < 0 ||
        PyModule_AddIntConstant(m, "F_NESTED_TRACKS", F_NESTED_TRACKS) < 0 ||
        PyModule_AddIntConstant(m, "B_TYPED", B_TYPED) < 0 ||
        PyModule_AddIntConstant(m, "B_FORBID", B_FORBID) < 0 ||
        PyModule_AddIntConstant(m, "B_TRACK", B_TRACK) < 0 ||
        PyModule_AddIntConstant(m, "B_RECOVER", B_RECOVER) < 0 ||
        PyModule_AddIntConstant(m, "B_CANONICAL", B_CANONICAL) < 0 ||
        PyModule_AddIntConstant(m, "B_REPAIR", B_REPAIR) < 0 ||
        PyModule_AddIntConstant(m, "F_VERBATIM", F_VERBATIM) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
