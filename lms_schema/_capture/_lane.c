/* The command line's quick lane for JSON Lines, as one loop in C.

   lms_schema/_capture/checks.py (quiet_lines) builds, per model, a lane for the lines of a
   JSON Lines file: each line is decoded into the model's msgspec mirror Structs, tested for
   repeated keys (re-encoded; see the Python's comment), checked by the model's generated
   checker, and its value asked for warnings. A line for which all of that finds nothing to
   say needs no record of its own. The Python does that one line per call; this module's
   Lane.run does the same steps, calling the same Python callables (msgspec's decoder and
   encoder, the checker, the warnings function), over a list of lines in one call, and stops
   at the first line that has something to say or that it is not sure of. The caller then
   reads that line the Python way (which may still find it quiet, or know its warnings), and
   calls run again after it.

       lane = Lane(decode, guarded, max_depth, encode, check, warnings, interval)
       stop = lane.run(lines, start)   # lines[start:stop] have nothing to say

   Two steps are made in C without a call in the common case, and left to the Python's
   callables otherwise: repeated keys are found by scanning the text (repeated_key; a text
   nested too deeply or with too many keys in one object is re-encoded, as the Python does),
   and a completion whose score, interval and duration certainly give no warning is told by
   interval_quiet (the interval rule is handed over by lms_schema._validate).

   Declines are exactly the Python's: a line that is not bytes, holds a backslash, is refused
   by the decoder, may hold a repeated key, is rejected by the checker (any Exception) or
   flagged by it (something appended to `found`), or has warnings. An exception that is not
   an Exception (KeyboardInterrupt) propagates, as do the encoder's and the warnings
   function's, which the Python does not catch either. tests/test_cli_quiet.py runs both. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <string.h>

typedef struct {
    PyObject_HEAD
    PyObject *decode;   /* JSON bytes -> mirror document (no depth guard) */
    PyObject *guarded;  /* the same, declining what may nest deeper than max_depth */
    int max_depth;      /* the recursion limit up to which `decode` needs no guard */
    PyObject *encode;   /* document -> its compact JSON bytes; None: keys may repeat */
    PyObject *check;    /* (document, found) -> value; appends flags to found */
    PyObject *warnings; /* value -> its warnings (a sequence; empty: none) */
    PyObject *found;    /* the list handed to check, emptied after each line */
    /* The interval rule (see interval_quiet), or NULL: the names of the value's score,
       start, end and duration attributes, the duration class and the names of its months
       and microseconds slots. */
    PyObject *score, *started, *completed, *duration, *duration_type, *months, *us;
} Lane;

static PyObject *g_zero = NULL;          /* 0 */
static PyTypeObject *g_timezone = NULL;  /* datetime.timezone */

/* An exception is set: 0 (the line is declined) for an Exception, -1 (propagate) for
   anything else. */
static int
declined(void)
{
    if (PyErr_ExceptionMatches(PyExc_Exception)) {
        PyErr_Clear();
        return 0;
    }
    return -1;
}

static Py_ssize_t
count_colons(const char *data, Py_ssize_t size)
{
    Py_ssize_t count = 0;
    const char *end = data + size;
    const char *at = data;
    while (at < end && (at = memchr(at, ':', (size_t)(end - at))) != NULL) {
        count++;
        at++;
    }
    return count;
}

static int
is_space(char c)
{
    /* bytes.isspace() */
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0b' || c == '\x0c';
}

/* Whether `line` holds every key once, given `again`, the mirror's encoding of its
   document (see quiet_lines in checks.py): the line is that encoding (and whitespace), or
   the two hold as many colons. */
static int
keys_once(const char *line, Py_ssize_t size, PyObject *again)
{
    const char *text = PyBytes_AS_STRING(again);
    Py_ssize_t length = PyBytes_GET_SIZE(again);
    if (length <= size && memcmp(line, text, (size_t)length) == 0) {
        Py_ssize_t rest = size - length;
        Py_ssize_t i = length;
        while (i < size && is_space(line[i])) {
            i++;
        }
        if (rest == 0 || i == size) {
            return 1;
        }
    }
    return count_colons(line, size) == count_colons(text, length);
}

/* Whether a key repeats in one object of JSON text that a decoder has read (so it is
   well formed) and that holds no backslash (so a string ends at the next quote, and two keys
   are the same string exactly when their bytes are equal): 0 no, 1 yes, -1 not sure (nested
   deeper than SCAN_DEPTH, or an object of more than SCAN_KEYS keys: the caller asks the
   encoder, as the Python does). */
#define SCAN_DEPTH 64
#define SCAN_KEYS 64

static int
is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
repeats_key(const char *data, Py_ssize_t size)
{
    Py_ssize_t starts[SCAN_DEPTH * 2 > SCAN_KEYS ? SCAN_DEPTH * 2 : SCAN_KEYS];
    Py_ssize_t lengths[SCAN_DEPTH * 2 > SCAN_KEYS ? SCAN_DEPTH * 2 : SCAN_KEYS];
    int opened[SCAN_DEPTH]; /* per level: the index of its object's first key; -1: an array */
    int depth = 0, keys = 0;
    const int capacity = (int)(sizeof(starts) / sizeof(starts[0]));
    Py_ssize_t i = 0;
    while (i < size) {
        char c = data[i];
        if (c == '"') {
            const char *end = memchr(data + i + 1, '"', (size_t)(size - i - 1));
            if (end == NULL) return -1;
            Py_ssize_t start = i + 1, length = end - (data + start);
            i = (end - data) + 1;
            Py_ssize_t k = i;
            while (k < size && is_json_space(data[k])) k++;
            if (k < size && data[k] == ':') { /* a key of the innermost object */
                if (depth == 0 || opened[depth - 1] < 0) return -1;
                int first = opened[depth - 1];
                if (keys - first >= SCAN_KEYS || keys == capacity) return -1;
                for (int j = first; j < keys; j++) {
                    if (lengths[j] == length &&
                        memcmp(data + starts[j], data + start, (size_t)length) == 0) {
                        return 1;
                    }
                }
                starts[keys] = start;
                lengths[keys] = length;
                keys++;
                i = k + 1;
            }
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth == SCAN_DEPTH) return -1;
            opened[depth++] = c == '{' ? keys : -1;
        }
        else if (c == '}' || c == ']') {
            if (depth == 0) return -1;
            depth--;
            if (opened[depth] >= 0) keys = opened[depth]; /* its keys are done with */
        }
        i++;
    }
    return 0;
}

/* The interval rule of a completion, without a call: 1 when the value certainly has none of
   the warnings of lms_schema._validate._completion_warnings (a score that is not a negative
   int; a start and an end that are not both date-times, or an end not before the start and
   no Duration, or a Duration of no months, both date-times at fixed offsets, and its
   microseconds not more than the interval's: the first branch of
   lms_schema._values.durations.ends_after); 0: ask the Python (which also words the
   warnings). Never an error: a failing step is a 0. */
static int
interval_quiet(Lane *self, PyObject *value)
{
    int quiet = 0;
    PyObject *score = NULL, *started = NULL, *completed = NULL, *duration = NULL;
    PyObject *months = NULL, *us = NULL, *elapsed = NULL;
    score = PyObject_GetAttr(value, self->score);
    if (score == NULL) goto out;
    if (PyLong_Check(score)) {
        int negative = PyObject_RichCompareBool(score, g_zero, Py_LT);
        if (negative != 0) goto out;
    }
    started = PyObject_GetAttr(value, self->started);
    completed = started == NULL ? NULL : PyObject_GetAttr(value, self->completed);
    if (completed == NULL) goto out;
    if (!PyDateTime_Check(started) || !PyDateTime_Check(completed)) {
        quiet = 1;
        goto out;
    }
    if (PyObject_RichCompareBool(completed, started, Py_LT) != 0) goto out;
    duration = PyObject_GetAttr(value, self->duration);
    if (duration == NULL) goto out;
    if (Py_TYPE(duration) != (PyTypeObject *)self->duration_type) {
        quiet = !PyObject_TypeCheck(duration, (PyTypeObject *)self->duration_type);
        goto out;
    }
    months = PyObject_GetAttr(duration, self->months);
    if (months == NULL || !PyLong_CheckExact(months) || PyObject_IsTrue(months) != 0) goto out;
    PyObject *zone1 = ((PyDateTime_DateTime *)started)->hastzinfo
                          ? ((PyDateTime_DateTime *)started)->tzinfo : Py_None;
    PyObject *zone2 = ((PyDateTime_DateTime *)completed)->hastzinfo
                          ? ((PyDateTime_DateTime *)completed)->tzinfo : Py_None;
    if (Py_TYPE(zone1) != g_timezone || Py_TYPE(zone2) != g_timezone) goto out;
    elapsed = PyNumber_Subtract(completed, started);
    if (elapsed == NULL || !PyDelta_Check(elapsed)) goto out;
    long long total = ((long long)PyDateTime_DELTA_GET_DAYS(elapsed) * 86400LL +
                       PyDateTime_DELTA_GET_SECONDS(elapsed)) * 1000000LL +
                      PyDateTime_DELTA_GET_MICROSECONDS(elapsed);
    us = PyObject_GetAttr(duration, self->us);
    if (us == NULL || !PyLong_CheckExact(us)) goto out;
    int overflow;
    long long micro = PyLong_AsLongLongAndOverflow(us, &overflow);
    if (micro == -1 && PyErr_Occurred()) goto out;
    quiet = overflow == 0 && micro <= total;
out:
    if (PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_Exception)) {
            quiet = -1; /* KeyboardInterrupt: propagate */
        }
        else {
            PyErr_Clear();
            quiet = 0;
        }
    }
    Py_XDECREF(score);
    Py_XDECREF(started);
    Py_XDECREF(completed);
    Py_XDECREF(duration);
    Py_XDECREF(months);
    Py_XDECREF(us);
    Py_XDECREF(elapsed);
    return quiet;
}

/* 1: the line has nothing to say; 0: it has, or the lane is not sure; -1: an error. */
static int
lane_line(Lane *self, PyObject *line)
{
    if (!PyBytes_CheckExact(line)) {
        return 0;
    }
    const char *data = PyBytes_AS_STRING(line);
    Py_ssize_t size = PyBytes_GET_SIZE(line);
    if (memchr(data, '\\', (size_t)size) != NULL) {
        return 0; /* an escape: the colon count cannot tell repeated keys */
    }
    PyObject *decode = Py_GetRecursionLimit() > self->max_depth ? self->guarded : self->decode;
    PyObject *document = PyObject_CallOneArg(decode, line);
    if (document == NULL) {
        return declined();
    }
    int result = 0;
    PyObject *value = NULL;
    int repeats = self->encode == Py_None ? 0 : repeats_key(data, size);
    if (repeats > 0) {
        goto done;
    }
    if (repeats < 0) { /* not sure: as the Python, by the mirror's own encoding */
        PyObject *again = PyObject_CallOneArg(self->encode, document);
        if (again == NULL) {
            result = -1;
            goto done;
        }
        if (!PyBytes_Check(again)) {
            PyErr_Format(PyExc_TypeError, "the encoder gave %.100s, not bytes",
                         Py_TYPE(again)->tp_name);
            Py_DECREF(again);
            result = -1;
            goto done;
        }
        int once = keys_once(data, size, again);
        Py_DECREF(again);
        if (!once) {
            goto done;
        }
    }
    PyObject *args[2] = {document, self->found};
    value = PyObject_Vectorcall(self->check, args, 2, NULL);
    if (PyList_GET_SIZE(self->found) > 0) {
        if (PyList_SetSlice(self->found, 0, PyList_GET_SIZE(self->found), NULL) < 0) {
            result = -1;
            goto done;
        }
        if (value == NULL) {
            result = declined();
        }
        goto done; /* flagged: something to say */
    }
    if (value == NULL) {
        result = declined();
        goto done;
    }
    if (self->score != NULL) {
        result = interval_quiet(self, value);
        if (result != 0) {
            goto done; /* certainly no warning, or an error */
        }
    }
    PyObject *warned = PyObject_CallOneArg(self->warnings, value);
    if (warned == NULL) {
        result = -1;
        goto done;
    }
    int any = PyObject_IsTrue(warned);
    Py_DECREF(warned);
    result = any < 0 ? -1 : !any;
done:
    Py_XDECREF(value);
    Py_DECREF(document);
    return result;
}

static PyObject *
Lane_run(Lane *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "run() takes 2 arguments (lines, start), got %zd", nargs);
        return NULL;
    }
    PyObject *lines = args[0];
    if (!PyList_Check(lines)) {
        PyErr_Format(PyExc_TypeError, "lines must be a list of bytes, got %.100s",
                     Py_TYPE(lines)->tp_name);
        return NULL;
    }
    if (!PyLong_Check(args[1])) {
        PyErr_Format(PyExc_TypeError, "start must be an int, got %.100s",
                     Py_TYPE(args[1])->tp_name);
        return NULL;
    }
    Py_ssize_t index = PyLong_AsSsize_t(args[1]);
    if (index == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (index < 0) {
        PyErr_SetString(PyExc_ValueError, "start must not be negative");
        return NULL;
    }
    for (; index < PyList_GET_SIZE(lines); index++) { /* the size is read again: callables
                                                          may change the list */
        PyObject *line = PyList_GET_ITEM(lines, index);
        Py_INCREF(line);
        int quiet = lane_line(self, line);
        Py_DECREF(line);
        if (quiet < 0) {
            return NULL;
        }
        if (!quiet) {
            break;
        }
    }
    if (index > PyList_GET_SIZE(lines)) {
        index = PyList_GET_SIZE(lines);
    }
    return PyLong_FromSsize_t(index);
}

static int
Lane_init(Lane *self, PyObject *args, PyObject *kwds)
{
    static char *names[] = {"decode", "guarded", "max_depth", "encode", "check",
                            "warnings", "interval", NULL};
    PyObject *decode, *guarded, *encode, *check, *warnings, *interval = Py_None;
    int max_depth;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOiOOO|O:Lane", names, &decode, &guarded,
                                     &max_depth, &encode, &check, &warnings, &interval)) {
        return -1;
    }
    PyObject *rule[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    if (interval != Py_None) {
        if (!PyTuple_CheckExact(interval) || PyTuple_GET_SIZE(interval) != 7) {
            PyErr_SetString(PyExc_TypeError, "interval must be None or a tuple of 7");
            return -1;
        }
        for (int i = 0; i < 7; i++) {
            rule[i] = PyTuple_GET_ITEM(interval, i);
            if (i == 4 ? !PyType_Check(rule[i]) : !PyUnicode_CheckExact(rule[i])) {
                PyErr_SetString(PyExc_TypeError,
                                "interval: (score, started, completed, duration, duration "
                                "class, months, microseconds), the names str, the class a type");
                return -1;
            }
        }
    }
    if (!PyCallable_Check(decode) || !PyCallable_Check(guarded) || !PyCallable_Check(check) ||
        !PyCallable_Check(warnings) || (encode != Py_None && !PyCallable_Check(encode))) {
        PyErr_SetString(PyExc_TypeError,
                        "decode, guarded, check and warnings must be callables, encode a "
                        "callable or None");
        return -1;
    }
    PyObject *found = PyList_New(0);
    if (found == NULL) {
        return -1;
    }
    Py_XSETREF(self->found, found);
    Py_XSETREF(self->decode, Py_NewRef(decode));
    Py_XSETREF(self->guarded, Py_NewRef(guarded));
    Py_XSETREF(self->encode, Py_NewRef(encode));
    Py_XSETREF(self->check, Py_NewRef(check));
    Py_XSETREF(self->warnings, Py_NewRef(warnings));
    self->max_depth = max_depth;
    Py_XSETREF(self->score, Py_XNewRef(rule[0]));
    Py_XSETREF(self->started, Py_XNewRef(rule[1]));
    Py_XSETREF(self->completed, Py_XNewRef(rule[2]));
    Py_XSETREF(self->duration, Py_XNewRef(rule[3]));
    Py_XSETREF(self->duration_type, Py_XNewRef(rule[4]));
    Py_XSETREF(self->months, Py_XNewRef(rule[5]));
    Py_XSETREF(self->us, Py_XNewRef(rule[6]));
    return 0;
}

static int
Lane_traverse(Lane *self, visitproc visit, void *arg)
{
    Py_VISIT(self->decode);
    Py_VISIT(self->guarded);
    Py_VISIT(self->encode);
    Py_VISIT(self->check);
    Py_VISIT(self->warnings);
    Py_VISIT(self->found);
    Py_VISIT(self->duration_type);
    return 0;
}

static int
Lane_clear(Lane *self)
{
    Py_CLEAR(self->decode);
    Py_CLEAR(self->guarded);
    Py_CLEAR(self->encode);
    Py_CLEAR(self->check);
    Py_CLEAR(self->warnings);
    Py_CLEAR(self->found);
    Py_CLEAR(self->score);
    Py_CLEAR(self->started);
    Py_CLEAR(self->completed);
    Py_CLEAR(self->duration);
    Py_CLEAR(self->duration_type);
    Py_CLEAR(self->months);
    Py_CLEAR(self->us);
    return 0;
}

static void
Lane_dealloc(Lane *self)
{
    PyObject_GC_UnTrack(self);
    Lane_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
Lane_interval_quiet(Lane *self, PyObject *value)
{
    if (self->score == NULL) {
        PyErr_SetString(PyExc_TypeError, "this lane has no interval rule");
        return NULL;
    }
    int quiet = interval_quiet(self, value);
    if (quiet < 0) return NULL;
    return PyBool_FromLong(quiet);
}

static PyMethodDef Lane_methods[] = {
    {"interval_quiet", (PyCFunction)Lane_interval_quiet, METH_O,
     "interval_quiet(value) -> bool\n\nTrue when the interval rule alone shows that value "
     "has no completion warning (False: the Python is asked)."},
    {"run", (PyCFunction)(void (*)(void))Lane_run, METH_FASTCALL,
     "run(lines, start) -> int\n\nThe index of the first of lines[start:] that has something "
     "to say or that the lane is not sure of (len(lines): none)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject LaneType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lms_schema._capture._lane.Lane",
    .tp_basicsize = sizeof(Lane),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Lane(decode, guarded, max_depth, encode, check, warnings): the quick lane of "
              "one model's JSON Lines lines (see the module's source).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Lane_init,
    .tp_dealloc = (destructor)Lane_dealloc,
    .tp_traverse = (traverseproc)Lane_traverse,
    .tp_clear = (inquiry)Lane_clear,
    .tp_methods = Lane_methods,
};

static PyObject *
repeated_key(PyObject *module, PyObject *text)
{
    (void)module;
    if (!PyBytes_CheckExact(text)) {
        PyErr_Format(PyExc_TypeError, "expected bytes, got %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    const char *data = PyBytes_AS_STRING(text);
    Py_ssize_t size = PyBytes_GET_SIZE(text);
    if (memchr(data, '\\', (size_t)size) != NULL) {
        PyErr_SetString(PyExc_ValueError, "the text holds a backslash");
        return NULL;
    }
    int found = repeats_key(data, size);
    if (found < 0) Py_RETURN_NONE;
    return PyBool_FromLong(found);
}

static PyMethodDef module_methods[] = {
    {"repeated_key", (PyCFunction)repeated_key, METH_O,
     "repeated_key(text) -> bool | None\n\nWhether a key repeats in one object of JSON "
     "text (well formed, without backslashes); None: not sure (too deep, or too many keys)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef lane_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "lms_schema._capture._lane",
    .m_doc = "The command line's quick lane for JSON Lines, as one loop in C.",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC
PyInit__lane(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL || PyType_Ready(&LaneType) < 0) {
        return NULL;
    }
    g_timezone = Py_TYPE(PyDateTime_TimeZone_UTC);
    g_zero = PyLong_FromLong(0);
    if (g_zero == NULL) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&lane_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "Lane", (PyObject *)&LaneType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
