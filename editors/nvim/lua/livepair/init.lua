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
}

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
  return vim.lsp.start({
    name = CLIENT_NAME,
    cmd = M.config.cmd,
    root_dir = vim.fs.root(bufnr, M.config.root_markers) or vim.fn.getcwd(),
    init_options = init_options,
    handlers = ui.handlers(),
    on_init = M.config.inline_hints and require('livepair.hints').on_init or nil,
  }, { bufnr = bufnr })
end

--- workspace/executeCommand `livepair.*` on the daemon; on_result(err, result) is optional.
function M.command(name, arguments, on_result)
  local client = M.client(vim.api.nvim_get_current_buf())
  if not client then
    vim.notify('LivePair: no daemon is running (open a file of a configured filetype)', vim.log.levels.WARN)
    return
  end
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

function M.start()
  M.command('livepair.start')
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
