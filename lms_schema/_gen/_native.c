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
};

/* Flags of a builder. */
enum {
    B_TYPED = 1,  /* the argument is a msgspec mirror: its attributes have exact JSON types */
    B_FORBID = 2, /* unknown keys decline */
    B_TRACK = 4,  /* warnings are appended to the second argument */
};

typedef struct {
    PyObject *name;   /* the key, and the attribute of a mirror (interned str) */
    PyObject *where;  /* "Completion.score": how a decline names the field */
    int op;
    int flags;
    PyObject *fn;     /* the callable of the operation (a str: a name to resolve) */
    PyObject *extra1; /* OP_ENUM: the members by value; OP_RELATION: the UUID parser */
    PyObject *extra2; /* OP_ENUM: the enum class; a tracked list: the known locale codes */
    PyObject *descr;  /* the member descriptor of the slot in the model */
} Field;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyTypeObject *target;
    PyObject *title;
    PyObject *fields_spec; /* the tuple it was built from (kept for repr and resolve) */
    int flags;
    Py_ssize_t nfields;
    Field *fields;
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
    case OP_CHECK: {
        PyObject *r = PyObject_CallOneArg(f->fn, v);
        if (r == NULL) return NULL;
        Py_DECREF(r);
        return Py_NewRef(v);
    }
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

static PyObject *
builder_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Builder *b = (Builder *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    int track = b->flags & B_TRACK;
    if (kwnames != NULL || nargs != (track ? 2 : 1)) {
        PyErr_Format(PyExc_TypeError, "%U takes %d positional argument(s)", b->title,
                     track ? 2 : 1);
        return NULL;
    }
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
    for (; done < n; done++) {
        Field *f = &b->fields[done];
        PyObject *v;
        if (typed) {
            v = PyObject_GetAttr(d, f->name);
            if (v == NULL) goto fail;
        }
        else {
            v = PyDict_GetItemWithError(d, f->name);
            if (v == NULL) {
                if (PyErr_Occurred()) goto fail;
                if (f->flags & F_REQUIRED) {
                    decline(f, "missing");
                    goto fail;
                }
                vals[done] = Py_NewRef(g_absent);
                present--;
                continue;
            }
            Py_INCREF(v);
        }
        if (v == g_absent || (v == Py_None && (f->flags & F_NULLABLE))) {
            vals[done] = v;
            continue;
        }
        PyObject *r = (f->flags & F_MANY) ? check_list(b, f, v, w) : check_value(b, f, v, w);
        Py_DECREF(v);
        if (r == NULL) goto fail;
        vals[done] = r;
    }
    if (!typed && (b->flags & (B_FORBID | B_TRACK)) && present != PyDict_GET_SIZE(d)) {
        if (b->flags & B_FORBID) {
            decline_builder(b, "unknown keys");
            goto fail;
        }
        if (PyList_Append(w, g_unknown_key) < 0) goto fail;
    }
    o = b->target->tp_alloc(b->target, 0);
    if (o == NULL) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *descr = b->fields[i].descr;
        if (Py_TYPE(descr)->tp_descr_set(descr, o, vals[i]) < 0) {
            Py_CLEAR(o);
            goto fail;
        }
    }
fail:
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
    }
    PyMem_Free(b->fields);
    Py_XDECREF(b->target);
    Py_XDECREF(b->title);
    Py_XDECREF(b->fields_spec);
    PyTypeObject *tp = Py_TYPE(b);
    tp->tp_free((PyObject *)b);
}

static PyObject *
builder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"target", "fields", "flags", "title", NULL};
    PyObject *target, *fields, *title;
    int flags;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!iU", kwlist, &PyType_Type, &target,
                                     &PyTuple_Type, &fields, &flags, &title)) {
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
    b->fields_spec = Py_NewRef(fields);
    b->flags = flags;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PyTuple_GET_ITEM(fields, i);
        Field *f = &b->fields[i];
        PyObject *name, *where, *fn, *extra1, *extra2, *descr;
        if (!PyArg_ParseTuple(row, "UUiiOOOO;a field is (name, where, op, flags, fn, extra1, "
                                   "extra2, descriptor)",
                              &name, &where, &f->op, &f->flags, &fn, &extra1, &extra2, &descr)) {
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

/* Replace the callables given by name (functions generated after this builder) by their
 * values in ``namespace``. */
static PyObject *
builder_resolve(Builder *b, PyObject *namespace)
{
    if (!PyDict_Check(namespace)) {
        PyErr_SetString(PyExc_TypeError, "resolve() takes a dict");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < b->nfields; i++) {
        Field *f = &b->fields[i];
        if (PyUnicode_Check(f->fn)) {
            PyObject *value = PyDict_GetItemWithError(namespace, f->fn);
            if (value == NULL) {
                if (!PyErr_Occurred()) PyErr_Format(PyExc_KeyError, "%U", f->fn);
                return NULL;
            }
            Py_SETREF(f->fn, Py_NewRef(value));
        }
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
    {"flags", (getter)builder_get_flags, NULL, "TYPED | FORBID | TRACK"},
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
    .tp_doc = "Builder(target, fields, flags, title): a generated model function, in C.",
    .tp_new = builder_new,
    .tp_methods = builder_methods,
    .tp_getset = builder_getset,
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
    if (found < 0) return NULL;
    if (found == 0) Py_RETURN_NONE;
    return out;
}

static PyMethodDef module_methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS,
     "configure(declined, absent, uuid_type, uuid_safe, utc): the shared objects."},
    {"uuid_from_text", uuid_from_text, METH_O,
     "The UUID of 36-character 8-4-4-4-12 text (raises the decline otherwise)."},
    {"datetime_from_text", datetime_from_text, METH_O,
     "The datetime of YYYY-MM-DDThh:mm:ss[.fff|.ffffff]Z text; None for other shapes."},
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
    if (PyType_Ready(&BuilderType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL) return NULL;
    g_str_new = PyObject_GetAttrString((PyObject *)&PyUnicode_Type, "__new__");
    g_unknown_key = PyUnicode_InternFromString("unknown key");
    g_language = PyUnicode_InternFromString("language");
    g_empty = PyTuple_New(0);
    if (g_str_new == NULL || g_unknown_key == NULL || g_language == NULL || g_empty == NULL) {
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&BuilderType);
    if (PyModule_AddObject(m, "Builder", (PyObject *)&BuilderType) < 0 ||
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
        PyModule_AddIntConstant(m, "B_TRACK", B_TRACK) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
