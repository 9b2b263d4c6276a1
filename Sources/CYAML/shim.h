// Thin C shim over libyaml's event parser: the parser and event structs stay in C; Swift sees
// one flattened event at a time, its strings copied out before the next call.
#ifndef NETSTAT_CYAML_SHIM_H
#define NETSTAT_CYAML_SHIM_H

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/// One parse event as Swift needs it. `text` is the scalar's value or the error's problem (only
/// valid until the next call); `line` counts from 1.
typedef struct {
    int type;          // a yaml_event_type_t, or -1 on a syntax error
    const char *text;  // scalar value or error problem, may be NULL
    size_t length;
    size_t line;
    int is_alias;
} netstat_yaml_event;

typedef struct {
    yaml_parser_t parser;
    yaml_event_t event;
    int has_event;
} netstat_yaml_reader;

/// A reader over `length` bytes at `input`, which must outlive it. NULL when out of memory.
static inline netstat_yaml_reader *netstat_yaml_open(const unsigned char *input, size_t length) {
    netstat_yaml_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) return NULL;
    if (!yaml_parser_initialize(&reader->parser)) { free(reader); return NULL; }
    yaml_parser_set_input_string(&reader->parser, input, length);
    return reader;
}

/// The next event; the previous one is freed first.
static inline netstat_yaml_event netstat_yaml_next(netstat_yaml_reader *reader) {
    netstat_yaml_event out;
    memset(&out, 0, sizeof out);
    if (reader->has_event) { yaml_event_delete(&reader->event); reader->has_event = 0; }
    if (!yaml_parser_parse(&reader->parser, &reader->event)) {
        out.type = -1;
        out.text = reader->parser.problem;
        out.length = reader->parser.problem ? strlen(reader->parser.problem) : 0;
        out.line = reader->parser.problem_mark.line + 1;
        return out;
    }
    reader->has_event = 1;
    out.type = (int)reader->event.type;
    out.line = reader->event.start_mark.line + 1;
    if (reader->event.type == YAML_SCALAR_EVENT) {
        out.text = (const char *)reader->event.data.scalar.value;
        out.length = reader->event.data.scalar.length;
    }
    out.is_alias = reader->event.type == YAML_ALIAS_EVENT;
    return out;
}

static inline void netstat_yaml_close(netstat_yaml_reader *reader) {
    if (reader->has_event) yaml_event_delete(&reader->event);
    yaml_parser_delete(&reader->parser);
    free(reader);
}

#endif
