-- corpus-ls for Neovim 0.7 and later: starts `corpus-ls serve` for Markdown and text buffers
-- and attaches it, one server per corpus root, and one without a root for loose files
-- (vim.lsp.start where it exists, 0.8+; vim.lsp.start_client on 0.7).
--
--   require('corpus_ls').setup({
--     cmd = { 'corpus-ls', 'serve' },          -- default
--     filetypes = { 'markdown', 'text' },      -- default
--     settings = { notes = { 'memos/**' } },   -- mirrors corpus-ls.toml
--     on_attach = function(client, bufnr) end,
--   })
local M = {}

local defaults = {
  cmd = { 'corpus-ls', 'serve' },
  filetypes = { 'markdown', 'text' },
  -- Files or folders that mark a corpus root, in order of preference.
  root_markers = { 'corpus-ls.toml', '.git' },
  settings = {},
  on_attach = nil,
  capabilities = nil,
}

local config = vim.deepcopy(defaults)
local clients = {} -- root directory -> client id (0.7 has no vim.lsp.start to reuse them)

local function dirname(path)
  return vim.fn.fnamemodify(path, ':h')
end

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

-- Folders never made a root without corpus-ls.toml: the filesystem root, the home folder and
-- those above it, the temp folders (a loose file there must not start a scan of all of it).
local function too_wide(dir)
  if dirname(dir) == dir then
    return true
  end
  local home = vim.loop.os_homedir()
  if home and (home == dir or vim.startswith(home, dir .. '/')) then
    return true
  end
  for _, t in ipairs({ os.getenv('TMPDIR'), '/tmp', '/var/tmp' }) do
    if t and vim.fn.fnamemodify(t, ':p'):gsub('/$', '') == dir then
      return true
    end
  end
  return false
end

local function root_unless_too_wide(dir)
  if exists(dir .. '/corpus-ls.toml') or not too_wide(dir) then
    return dir
  end
  return nil
end

local function is_dir(path)
  local s = vim.loop.fs_stat(path)
  return s ~= nil and s.type == 'directory'
end

--- The corpus root of `path`, by the server's rules: the nearest ancestor holding a root
--- marker (corpus-ls.toml, .git); else the folder above the file's `notes/` folder, or the
--- folder holding a `notes/` folder beside the file's; else nil: a loose file, which the
--- server reads with at most a few files beside it. Never the home, a temp folder or `/`
--- without a corpus-ls.toml.
function M.find_root(path)
  local start = dirname(vim.fn.fnamemodify(path, ':p'))
  local dir = start
  while true do
    for _, marker in ipairs(config.root_markers) do
      if exists(dir .. '/' .. marker) then
        local root = root_unless_too_wide(dir)
        if root then
          return root
        end
      end
    end
    local parent = dirname(dir)
    if parent == dir then
      break
    end
    dir = parent
  end
  dir = start
  while dirname(dir) ~= dir do
    if vim.fn.fnamemodify(dir, ':t') == 'notes' then
      return root_unless_too_wide(dirname(dir))
    end
    dir = dirname(dir)
  end
  for _, d in ipairs({ start, dirname(start) }) do
    if is_dir(d .. '/notes') then
      return root_unless_too_wide(d)
    end
  end
  return nil
end

-- VS Code's language ids, which the server also knows, for Neovim's filetypes.
local language_ids = { text = 'plaintext', markdown = 'markdown' }

-- An empty Lua table would go out as a JSON array; the server expects an object.
local function object(t)
  return next(t) == nil and vim.empty_dict() or t
end

-- The key of the loose files' server in `clients` (it has no root: the server finds each
-- file's folder itself).
local LOOSE = ''

local function client_config(root)
  local folders = nil
  if root ~= LOOSE then
    folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } }
  end
  return {
    name = 'corpus-ls',
    cmd = config.cmd,
    root_dir = root ~= LOOSE and root or nil,
    workspace_folders = folders,
    -- initializationOptions carry the corpus-ls.toml-shaped settings; workspace/configuration
    -- answers the same table for the section `corpus-ls` (or `corpusLs`, as VS Code names it);
    -- Neovim's default handler looks the section up in `settings`.
    init_options = object(config.settings),
    settings = { ['corpus-ls'] = object(config.settings), corpusLs = object(config.settings) },
    capabilities = config.capabilities,
    on_attach = config.on_attach,
    get_language_id = function(_, filetype)
      return language_ids[filetype] or filetype
    end,
    on_exit = function()
      clients[root] = nil
    end,
  }
end

--- Starts (or reuses) the server for the buffer's corpus root and attaches the buffer.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or vim.bo[bufnr].buftype ~= '' then
    return nil -- scratch and help buffers have no place in a corpus
  end
  local root = M.find_root(name) or LOOSE
  if vim.lsp.start then
    -- 0.8 and later: reuses the client of the same name and root, and attaches the buffer.
    local id = vim.lsp.start(client_config(root), { bufnr = bufnr })
    clients[root] = id
    return id
  end
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(client_config(root))
    if id == nil then
      vim.notify('corpus-ls: could not start ' .. table.concat(config.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- Client methods take `self` from 0.11 on (`client:stop()`); 0.7 has plain closures.
local function stop(c)
  if vim.fn.has('nvim-0.11') == 1 then
    c:stop()
  else
    c.stop()
  end
end

--- Stops every corpus-ls server and re-attaches the open Markdown and text buffers.
function M.restart()
  for root, id in pairs(clients) do
    local c = vim.lsp.get_client_by_id(id)
    if c then
      stop(c)
    end
    clients[root] = nil
  end
  -- Give the old processes a moment to exit before new ones read the corpus.
  vim.defer_fn(function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and vim.tbl_contains(config.filetypes, vim.bo[b].filetype) then
        M.attach(b)
      end
    end
  end, 500)
end

--- Configures the plugin and attaches corpus-ls to Markdown and text buffers as they open.
function M.setup(opts)
  config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup('corpus_ls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  vim.api.nvim_create_user_command('CorpusLsRestart', M.restart, { desc = 'Restart corpus-ls' })
  -- Buffers opened before setup() ran.
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.tbl_contains(config.filetypes, vim.bo[b].filetype) then
      M.attach(b)
    end
  end
end

return M
