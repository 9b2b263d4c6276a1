// Helpers for the mixin's sources and for `render`.
//
// manifest(value) writes YAML like std.manifestYamlDoc, but with the keys of a Prometheus rule
// in the conventional order (name, rules; record or alert, expr, for, labels, annotations;
// summary, description, runbook_url; other keys sorted after them) rather than sorted: a rule
// item starts with its `- record:` or `- alert:` line, which the tests' line-based readers
// (Tests/DashboardTests) and a reader of the file rely on. Strings stay plain where YAML
// reads them back as the same string, multi-line ones become `|` blocks, and anything else
// is a double-quoted (JSON) string.
local keyOrder = ['name', 'interval', 'rules', 'record', 'alert', 'expr', 'for', 'keep_firing_for',
                  'labels', 'annotations', 'summary', 'description', 'runbook_url'];

local rank(k) = local i = std.find(k, keyOrder); if i == [] then std.length(keyOrder) else i[0];

local orderedFields(o) = std.sort(std.objectFields(o), function(k) '%03d%s' % [rank(k), k]);

// (std.findSubstr, std.member on strings and std.escapeStringJson are slow in jsonnet 0.18 on
// strings of a thousand characters; std.split and std.stringChars are not.)
local last(s) = s[std.length(s) - 1];
local all(bools) = std.foldl(function(a, b) a && b, bools, true);
local any(bools) = std.foldl(function(a, b) a || b, bools, false);
local set(s) = { [c]: true for c in std.stringChars(s) };
local indicators = set('-?:,[]{}#&*!|>\'"%@`');
local durationChars = set('0123456789smhdwy');
local reserved = set('') + { [w]: true for w in ['true', 'false', 'yes', 'no', 'on', 'off', 'null', 'y', 'n', '~'] };
local printable(s) = all([std.codepoint(c) >= 32 && std.codepoint(c) != 127 for c in std.stringChars(s)]);
// ': ' (a key) or ' #' (a comment) in s.
local colonSpace(s) = local p = std.split(s, ':'); any([p[i] != '' && p[i][0] == ' ' for i in std.range(1, std.length(p) - 1)]);
local spaceHash(s) = local p = std.split(s, '#'); any([p[i] != '' && last(p[i]) == ' ' for i in std.range(0, std.length(p) - 2)]);

local plainOK(s) =
  s != ''
  && !std.objectHas(indicators, s[0]) && s[0] != ' ' && last(s) != ' ' && last(s) != ':'
  && !colonSpace(s) && !spaceHash(s)
  && !std.objectHas(reserved, std.asciiLower(s))
  && (if std.objectHas(set('0123456789.+'), s[0]) then
        // a duration such as 5m or 1h30m: digits and unit letters, ending in a letter
        all([std.objectHas(durationChars, c) for c in std.stringChars(s)]) && !std.objectHas(set('0123456789'), last(s))
      else true)
  && printable(s);

// A double-quoted (JSON) string; the common case without control characters without
// std.escapeStringJson.
local quoted(s) =
  if printable(s) then '"' + std.join('\\"', std.split(std.join('\\\\', std.split(s, '\\')), '"')) + '"'
  else std.escapeStringJson(s);

// The shortest decimal that reads back as n (std.toString(0.9) is 0.90000000000000002).
local number(n) =
  if std.isString(n) then n
  else if n == std.floor(n) && std.abs(n) < 1e15 then '%d' % n
  else
    local sign = if n < 0 then '-' else '';
    local a = std.abs(n);
    local candidate(k) =
      local m = '%d' % std.floor(a * std.pow(10, k) + 0.5);
      local padded = std.repeat('0', std.max(0, k + 1 - std.length(m))) + m;
      local cut = std.length(padded) - k;
      local fraction = std.rstripChars(padded[cut:], '0');
      sign + padded[:cut] + (if fraction == '' then '' else '.' + fraction);
    local go(k) = if k > 17 then std.toString(n)
                  else if std.parseJson(candidate(k)) == n then candidate(k) else go(k + 1);
    go(1);

local scalar(v) =
  if std.isString(v) then (if plainOK(v) then v else quoted(v))
  else if std.isNumber(v) then number(v)
  else if std.isBoolean(v) then (if v then 'true' else 'false')
  else if v == null then 'null'
  else if std.isArray(v) then '[]'
  else '{}';

// A string written as a `|` block: it ends with exactly one newline and its first line does
// not start with a space.
local isBlock(v) =
  std.isString(v) && std.length(v) > 1 && v[std.length(v) - 1] == '\n'
  && v[std.length(v) - 2] != '\n' && v[0] != ' ' && v[0] != '\n'
  && all([std.codepoint(c) >= 32 || c == '\n' for c in std.stringChars(v)]);

local indent(lines) = [if l == '' then '' else '  ' + l for l in lines];

local isContainer(v) = (std.isObject(v) || std.isArray(v)) && std.length(v) > 0;

local lines(v) =
  local blockLines(s) = std.split(s[:std.length(s) - 1], '\n');
  if std.isObject(v) then
    std.flattenArrays([
      local x = v[k];
      local key = scalar(k);
      if isContainer(x) then [key + ':'] + indent(lines(x))
      else if isBlock(x) then [key + ': |'] + indent(blockLines(x))
      else [key + ': ' + scalar(x)]
      for k in orderedFields(v)
    ])
  else
    std.flattenArrays([
      if isContainer(x) then
        local ls = lines(x);
        ['- ' + ls[0]] + indent(ls[1:])
      else if isBlock(x) then ['- |'] + indent(blockLines(x))
      else ['- ' + scalar(x)]
      for x in v
    ]);

{
  manifest(value):: std.join('\n', lines(value)) + '\n',
  number:: number,
}
