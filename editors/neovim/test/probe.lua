-- Headless check of the corpus-ls Neovim plugin against a real server. It loads the plugin
-- from this repository, opens a note the way a user would (filetype detection, FileType
-- autocmd, root detection), waits for the note's diagnostics, then asks for hover and
-- references at a position, and writes what Neovim received as JSON.
--
--   PROBE_BIN=/path/corpus-ls PROBE_NOTE=/corpus/notes/n.md PROBE_FILE=/corpus/a.md \
--   PROBE_LINE=3 PROBE_COL=7 PROBE_OUT=/tmp/out.json \
--   nvim --headless -u NONE -i NONE -n -c 'luafile editors/neovim/test/probe.lua'
--
-- PROBE_FILE defaults to PROBE_NOTE; PROBE_LINE/PROBE_COL are an LSP position (0-based line,
-- UTF-16 column) in PROBE_FILE. PROBE_DIAG_WAIT_MS (20000) bounds the wait for non-empty
-- diagnostics on the note (including the code PROBE_WAIT_CODE, when set) that then stay
-- unchanged for a second; PROBE_TIMEOUT_MS (60000) bounds the whole run.
-- Exit status: 0 when everything ran, 1 when a request failed or timed out, 2 on set-up failure.
-- Written for Neovim 0.7 (Debian 12): no `nvim -l`, no vim.lsp.start.

local uv = vim.loop

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == '' then
    return default
  end
  return v
end

local t_start = uv.now()
local last_publish = {} -- uri -> uv.now() of its last publishDiagnostics
local out = {
  note_events = {},
  nvim_version = string.format('%d.%d.%d', vim.version().major, vim.version().minor, vim.version().patch),
  errors = {},
  published = vim.empty_dict(), -- uri -> last publishDiagnostics list
  publish_count = 0,
}
local out_path = env('PROBE_OUT')

local function finish(code)
  local ok, text = pcall(vim.json.encode, out)
  if not ok then
    text = vim.json.encode({ errors = { 'could not encode the result: ' .. tostring(text) } })
    code = 2
  end
  if out_path then
    local f = io.open(out_path, 'w')
    if f then
      f:write(text, '\n')
      f:close()
    end
  else
    io.stdout:write(text, '\n')
  end
  vim.cmd('cquit ' .. code)
end

local function fail(msg)
  table.insert(out.errors, msg)
  finish(2)
end

-- A hung server must not hang CI: write what we have and leave.
local hard_ms = tonumber(env('PROBE_TIMEOUT_MS', '60000'))
local hard = uv.new_timer()
hard:start(hard_ms, 0, vim.schedule_wrap(function()
  table.insert(out.errors, 'hard timeout after ' .. hard_ms .. ' ms')
  finish(1)
end))

local bin = env('PROBE_BIN')
local note = env('PROBE_NOTE')
if not bin or not note then
  return fail('PROBE_BIN and PROBE_NOTE are required')
end
note = vim.fn.fnamemodify(note, ':p')
local file = vim.fn.fnamemodify(env('PROBE_FILE', note), ':p')
local position = { line = tonumber(env('PROBE_LINE', '0')), character = tonumber(env('PROBE_COL', '0')) }

-- The plugin under test: editors/neovim (this file is editors/neovim/test/probe.lua).
local here = debug.getinfo(1, 'S').source:gsub('^@', '')
local plugin_dir = vim.fn.fnamemodify(here, ':p:h:h')
vim.opt.runtimepath:prepend(plugin_dir)
vim.cmd('filetype on') -- -u NONE leaves filetype detection off

-- Record every publishDiagnostics as it arrives, then let Neovim handle it as usual.
local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
  out.publish_count = out.publish_count + 1
  if result and result.uri then
    out.published[result.uri] = result.diagnostics or {}
    last_publish[result.uri] = uv.now()
    -- the note's history (time, codes) shows when a server publishes in steps
    if out.note and result.uri == out.note.uri then
      local codes = {}
      for _, d in ipairs(result.diagnostics or {}) do
        codes[#codes + 1] = tostring(d.code)
      end
      table.insert(out.note_events, { ms = uv.now() - t_start, count = #codes, codes = table.concat(codes, " ") })
    end
  end
  return default_publish(err, result, ctx, cfg)
end

local plugin = require('corpus_ls')
plugin.setup({ cmd = { bin, 'serve' } })

vim.cmd('silent edit ' .. vim.fn.fnameescape(note))
local note_buf = vim.api.nvim_get_current_buf()
out.note = { path = note, uri = vim.uri_from_bufnr(note_buf), filetype = vim.bo[note_buf].filetype }

local function attached_client(bufnr)
  local list = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(list) do
    if c.name == 'corpus-ls' then
      return c
    end
  end
  return nil
end

local client
vim.wait(15000, function()
  client = attached_client(note_buf)
  return client ~= nil and client.initialized == true
end, 20)
if not client then
  return fail('corpus-ls did not attach to ' .. note .. ' (filetype ' .. vim.bo[note_buf].filetype .. ')')
end
if not client.initialized then
  return fail('corpus-ls did not finish initialize within 15 s')
end
out.root_dir = client.config.root_dir
out.server_info = client.server_info or vim.NIL

-- A person opens the note and looks at its warnings once the corpus is indexed.
local diag_wait = tonumber(env('PROBE_DIAG_WAIT_MS', '20000'))
-- Wait for non-empty diagnostics (with a PROBE_WAIT_CODE among them, when given) that then
-- stay unchanged for a second: a server may publish in steps (before and after its index).
local wait_code = env('PROBE_WAIT_CODE')
local has_diags = vim.wait(diag_wait, function()
  local d = out.published[out.note.uri]
  if d == nil or #d == 0 or uv.now() - last_publish[out.note.uri] < 1000 then
    return false
  end
  if wait_code == nil then
    return true
  end
  for _, x in ipairs(d) do
    if tostring(x.code) == wait_code then
      return true
    end
  end
  return false
end, 50)
if not has_diags then
  table.insert(out.errors, 'no settled diagnostics' .. (wait_code and (' with ' .. wait_code) or '')
    .. ' on the note within ' .. diag_wait .. ' ms')
end
out.note.diagnostics = out.published[out.note.uri] or {}
-- What Neovim itself shows (vim.diagnostic), to prove the published list reached the editor.
out.note.shown = {}
for _, d in ipairs(vim.diagnostic.get(note_buf)) do
  table.insert(out.note.shown, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message })
end

-- Fix a figure as a user would, without saving, then undo: PROBE_FIX_LINE/PROBE_FIX_CHAR
-- (the LSP start of a PROBE_WAIT_CODE diagnostic), PROBE_FIX_FROM (its text on that line) and
-- PROBE_FIX_TO (the replacement). Records how long the warning takes to go and to come back
-- (bounded by PROBE_EDIT_WAIT_MS, 5000), and whether the note was saved meanwhile.
local fix_line = tonumber(env('PROBE_FIX_LINE', ''))
if fix_line and has_diags then
  local fix_char = tonumber(env('PROBE_FIX_CHAR', '0'))
  local from, to = env('PROBE_FIX_FROM', ''), env('PROBE_FIX_TO', '')
  local edit_wait = tonumber(env('PROBE_EDIT_WAIT_MS', '5000'))
  local function warned()
    for _, d in ipairs(out.published[out.note.uri] or {}) do
      if tostring(d.code) == wait_code and d.range.start.line == fix_line
        and d.range.start.character == fix_char then
        return true
      end
    end
    return false
  end
  out.fix = { before = warned() }
  local line = vim.api.nvim_buf_get_lines(note_buf, fix_line, fix_line + 1, true)[1]
  local col = line:find(from, 1, true)
  if not col then
    table.insert(out.errors, 'PROBE_FIX_FROM ' .. from .. ' is not on line ' .. fix_line)
  else
    local t0 = uv.now()
    vim.api.nvim_buf_set_text(note_buf, fix_line, col - 1, fix_line, col - 1 + #from, { to })
    out.fix.changedtick = vim.api.nvim_buf_get_changedtick(note_buf)
    out.fix.modified_after_edit = vim.bo[note_buf].modified
    out.fix.gone = vim.wait(edit_wait, function() return not warned() end, 10)
    out.fix.gone_ms = uv.now() - t0
    t0 = uv.now()
    vim.cmd('silent undo')
    out.fix.undo_changedtick = vim.api.nvim_buf_get_changedtick(note_buf)
    out.fix.back = vim.wait(edit_wait, warned, 10)
    out.fix.back_ms = uv.now() - t0
    out.fix.text_restored = vim.api.nvim_buf_get_lines(note_buf, fix_line, fix_line + 1, true)[1] == line
  end
end

local bufnr = note_buf
if file ~= note then
  vim.cmd('silent edit ' .. vim.fn.fnameescape(file))
  bufnr = vim.api.nvim_get_current_buf()
  vim.wait(5000, function() return attached_client(bufnr) ~= nil end, 20)
end
out.file = { path = file, uri = vim.uri_from_bufnr(bufnr), filetype = vim.bo[bufnr].filetype, position = position }

local status = 0
local function request(method, params)
  local t0 = uv.hrtime()
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
  local entry = { ms = math.floor((uv.hrtime() - t0) / 1e6) }
  if not responses then
    entry.error = tostring(err or 'no response')
    status = 1
  else
    local r = responses[client.id]
    if r == nil then
      entry.error = 'no response from corpus-ls'
      status = 1
    elseif r.err then
      entry.error = r.err
      status = 1
    else
      entry.result = r.result == nil and vim.NIL or r.result
    end
  end
  return entry
end

local td = { uri = out.file.uri }
out.hover = request('textDocument/hover', { textDocument = td, position = position })
out.references = request('textDocument/references', {
  textDocument = td,
  position = position,
  context = { includeDeclaration = true },
})
out.definition = request('textDocument/definition', { textDocument = td, position = position })

-- Client methods take `self` from 0.11 on; 0.7 has plain closures.
local new_api = vim.fn.has('nvim-0.11') == 1
if new_api then client:stop() else client.stop() end
vim.wait(3000, function()
  if new_api then return client:is_stopped() end
  return client.is_stopped()
end, 20)
hard:stop()
finish(status)
