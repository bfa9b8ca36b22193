-- LivePair for Neovim (>= 0.10): the senior dev's daemon as an LSP client, plus what plain LSP cannot carry —
-- other sources' diagnostics, terminal runs, the visible range, the status, the transcript and approvals.
-- Payload shapes: server/livepair/lsp/protocol.py (docs/editors.md).
local M = {}

local CLIENT_NAME = 'livepair'

M.defaults = {
  -- How to run the daemon: `livepair serve` from the environment that installed it.
  cmd = { 'livepair', 'serve' },
  -- Buffers of these filetypes start (or join) the daemon; `{ '*' }` for every file buffer.
  filetypes = { 'python', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'go', 'rust', 'c',
    'cpp', 'java', 'lua', 'sh', 'ruby', 'php' },
  root_markers = { '.git', 'pyproject.toml', 'package.json', 'go.mod', 'Cargo.toml' },
  -- livepair.* settings (camelCase, as in docs/settings.md), sent as initializationOptions.
  -- autoStart ('offline' by default) starts a session as soon as the daemon is up; 'never' waits for :LivePairStart.
  -- Learning to code: { mode = 'tutor', learnerLevel = 'beginner' } (hints before the fix: the code actions
  -- "Give me a hint" / "Show me the fix"; `:lua require('livepair').command('livepair.whatDidILearn')` for a recap).
  settings = {},
  forward_diagnostics = true, -- other sources' diagnostics (DiagnosticChanged) -> livepair/diagnostics
  forward_terminal = true, -- :terminal jobs on exit -> livepair/terminal
  editor_state_ms = 150, -- cursor and visible range are sent after this much quiet
  inline_hints = true, -- each finding's headline at the end of its line (false: Neovim's diagnostic defaults)
  -- The Gemini API key: a string, or a function returning one (e.g. from a password manager). Unset: the key in
  -- Neovim's environment (GEMINI_API_KEY, GOOGLE_API_KEY). It goes to the daemon in `livepair.start`'s arguments,
  -- never in the daemon's environment, where an approved command could read it from /proc/<daemon pid>/environ.
  -- A Vertex token (LIVEPAIR_VERTEX_ACCESS_TOKEN in Neovim's environment) travels the same way (`vertexAccessToken`).
  -- Vertex's project and location are settings: vertex, vertexProject, vertexLocation.
  api_key = nil,
  -- Approvals: 'float', the plugin's own prompt (exactly what runs, scrollable; `a` allows, Deny the default), which
  -- it closes when the daemon withdraws the request; 'select', vim.ui.select (your picker), which cannot be closed:
  -- a withdrawn request is void and an answer given to it after that runs nothing.
  approval_ui = 'float',
}

-- The variables that carry the key: read here, kept out of the daemon's environment (as the VS Code extension does).
local API_KEY_VARS = { 'GEMINI_API_KEY', 'GOOGLE_API_KEY' }
local VERTEX_TOKEN_VAR = 'LIVEPAIR_VERTEX_ACCESS_TOKEN'
local HELD_VARS = { 'GEMINI_API_KEY', 'GOOGLE_API_KEY', VERTEX_TOKEN_VAR } -- never in the daemon's environment

M.config = vim.deepcopy(M.defaults)

--- Call a vim.lsp.Client method on 0.10 (functions without self) and 0.11+ (methods).
local function call(client, name, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[name](client, ...)
  end
  return client[name](...)
end
M.call = call

--- The running LivePair client (for the current buffer's root when there are several).
function M.client(bufnr)
  local clients = vim.lsp.get_clients({ name = CLIENT_NAME, bufnr = bufnr })
  if #clients == 0 then
    clients = vim.lsp.get_clients({ name = CLIENT_NAME })
  end
  return clients[1]
end

--- A livepair/* notification, dropped quietly when no daemon runs.
function M.notify(method, params, bufnr)
  local client = M.client(bufnr)
  if client and client.initialized then
    call(client, 'notify', method, params)
  end
end

local function version()
  return (vim.version and tostring(vim.version())) or ''
end

--- The key for a Live session, or nil (the daemon then runs what it can without one).
function M.api_key()
  local key = M.config.api_key
  if type(key) == 'function' then
    key = key()
  end
  if type(key) == 'string' and vim.trim(key) ~= '' then
    return vim.trim(key)
  end
  for _, name in ipairs(API_KEY_VARS) do
    local value = vim.env[name]
    if value and vim.trim(value) ~= '' then
      return vim.trim(value)
    end
  end
  return nil
end

--- Run fn with the key and token variables taken out of Neovim's environment, which a spawned process inherits
--- (vim.lsp.start spawns the daemon synchronously, and `cmd_env` can add variables but not remove them).
local function without_key_vars(fn)
  local saved = {}
  for _, name in ipairs(HELD_VARS) do
    saved[name] = vim.env[name]
    vim.env[name] = nil
  end
  local ok, result = pcall(fn)
  for name, value in pairs(saved) do
    vim.env[name] = value
  end
  if not ok then
    error(result, 0)
  end
  return result
end

--- workspace/executeCommand `livepair.*` on a client; a failure is a warning; on_result(err, result) is optional.
local function execute(client, name, arguments, on_result)
  local params = { command = name, arguments = arguments or {} }
  call(client, 'request', 'workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify('LivePair: ' .. (err.message or tostring(err)), vim.log.levels.WARN)
    end
    if on_result then
      on_result(err, result)
    end
  end)
end

--- `livepair.start`'s arguments: the key and a Vertex token, when there are.
local function start_arguments()
  local options = { apiKey = M.api_key() }
  local token = vim.env[VERTEX_TOKEN_VAR]
  if token and vim.trim(token) ~= '' then
    options.vertexAccessToken = vim.trim(token)
  end
  return next(options) and { options } or {}
end

--- Start the daemon for a buffer (or attach the buffer to the one running for its root).
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.bo[bufnr].buftype ~= '' or vim.api.nvim_buf_get_name(bufnr) == '' then
    return nil
  end
  local ui = require('livepair.ui')
  local init_options = vim.tbl_extend('force', M.config.settings, {
    livepairClient = { name = 'neovim', version = version() },
  })
  -- autoStart 'always' would have the daemon look for the key in its environment, which holds none: the plugin
  -- starts that session itself, with the key, once the daemon is up.
  local start_live = init_options.autoStart == 'always' and M.api_key() ~= nil
  if start_live then
    init_options.autoStart = 'never'
  end
  local show_hints = M.config.inline_hints and require('livepair.hints').on_init or nil
  return without_key_vars(function()
    return vim.lsp.start({
      name = CLIENT_NAME,
      cmd = M.config.cmd,
      root_dir = vim.fs.root(bufnr, M.config.root_markers) or vim.fn.getcwd(),
      init_options = init_options,
      handlers = ui.handlers(),
      on_init = function(client)
        if show_hints then
          show_hints(client)
        end
        if start_live then
          execute(client, 'livepair.start', start_arguments())
        end
      end,
    }, { bufnr = bufnr })
  end)
end

--- workspace/executeCommand `livepair.*` on the daemon; on_result(err, result) is optional.
function M.command(name, arguments, on_result)
  local client = M.client(vim.api.nvim_get_current_buf())
  if not client then
    vim.notify('LivePair: no daemon is running (open a file of a configured filetype)', vim.log.levels.WARN)
    return
  end
  execute(client, name, arguments, on_result)
end

function M.start()
  M.command('livepair.start', start_arguments())
end

function M.stop()
  M.command('livepair.stop')
end

function M.ask(question)
  if question and question ~= '' then
    return M.command('livepair.ask', { question })
  end
  vim.ui.input({ prompt = 'Ask the senior dev: ' }, function(input)
    if input and input ~= '' then
      M.command('livepair.ask', { input })
    end
  end)
end

--- Explain the problem at the cursor (the daemon picks the worst diagnostic on the cursor's line).
function M.explain()
  require('livepair.forward').editor_state_now()
  M.command('livepair.explain')
end

function M.toggle_mic()
  M.command('livepair.toggleMic')
end

function M.toggle_screen()
  M.command('livepair.toggleScreen')
end

function M.run(cmd)
  require('livepair.forward').run(cmd)
end

--- For the statusline: `%{v:lua.require'livepair'.statusline()}`. Empty while no daemon runs.
function M.statusline()
  return require('livepair.ui').statusline()
end

function M.transcript()
  require('livepair.ui').open_transcript()
end

local function wanted(ft)
  for _, want in ipairs(M.config.filetypes) do
    if want == '*' or want == ft then
      return true
    end
  end
  return false
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  if opts and opts.filetypes then -- lists replace, not merge
    M.config.filetypes = opts.filetypes
  end
  local group = vim.api.nvim_create_augroup('livepair', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    callback = function(args)
      if wanted(args.match) then
        M.attach(args.buf)
      end
    end,
  })
  require('livepair.forward').setup(group)
  -- Buffers opened before setup (a lazy-loaded plugin) join too.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and wanted(vim.bo[buf].filetype) then
      M.attach(buf)
    end
  end
end

return M
