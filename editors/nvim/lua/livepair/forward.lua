-- What the editor knows and plain LSP does not carry: other sources' diagnostics, terminal runs, editor state.
local M = {}

local MAX_OUTPUT = 64 * 1024 -- the daemon keeps only the tail of a run's output (MAX_TERMINAL_OUTPUT)

local function lp()
  return require('livepair')
end

-- Marks output cut at its start, as the extension does: the daemon then drops the line the cut fell in (it may hold
-- the end of a secret, which no redaction rule could recognise without its start).
local OMITTED = '[\u{2026} earlier output omitted \u{2026}]\n'

local function tail(text)
  return #text > MAX_OUTPUT and (OMITTED .. text:sub(-(MAX_OUTPUT - #OMITTED))) or text
end

local function position(lnum, col)
  return { line = math.max(lnum or 0, 0), character = math.max(col or 0, 0) }
end

--- A vim.diagnostic back to LSP JSON: the original when it came from an LSP server, else rebuilt.
local function to_lsp(d)
  local original = d.user_data and d.user_data.lsp
  if original and original.range then
    return original
  end
  return {
    range = { start = position(d.lnum, d.col), ['end'] = position(d.end_lnum or d.lnum, d.end_col or d.col) },
    severity = d.severity,
    message = d.message,
    source = d.source,
    code = d.code,
  }
end

--- All diagnostics of a buffer except LivePair's own (they come from the daemon).
function M.diagnostics(bufnr)
  local client = lp().client(bufnr)
  if not client or not client.initialized or not vim.lsp.buf_is_attached(bufnr, client.id) then
    return
  end
  local ours = {}
  for _, pull in ipairs({ false, true }) do
    ours[vim.lsp.diagnostic.get_namespace(client.id, pull)] = true
  end
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if not ours[d.namespace] and d.source ~= 'LivePair' then
      table.insert(items, to_lsp(d))
    end
  end
  lp().notify('livepair/diagnostics', { uri = vim.uri_from_bufnr(bufnr), diagnostics = items }, bufnr)
end

--- Cursor, visible range and the files in view (the daemon's screen privacy gate reads visibleUris).
function M.editor_state_now()
  local buf = vim.api.nvim_get_current_buf()
  local client = lp().client(buf)
  if not client or not vim.lsp.buf_is_attached(buf, client.id) then
    return
  end
  local pos = vim.lsp.util.make_position_params(0, client.offset_encoding).position
  local uris, seen = {}, {}
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    local b = vim.api.nvim_win_get_buf(win)
    if vim.bo[b].buftype == '' and vim.api.nvim_buf_get_name(b) ~= '' and not seen[b] then
      seen[b] = true
      table.insert(uris, vim.uri_from_bufnr(b))
    end
  end
  local first, last = vim.fn.line('w0') - 1, vim.fn.line('w$')
  lp().notify('livepair/editorState', {
    uri = vim.uri_from_bufnr(buf),
    selection = { start = pos, ['end'] = pos },
    visibleRanges = { { start = position(first, 0), ['end'] = position(last, 0) } },
    visibleUris = uris,
  }, buf)
end

local timer = nil
local function editor_state_soon()
  if timer then
    timer:stop()
  else
    timer = (vim.uv or vim.loop).new_timer()
  end
  timer:start(lp().config.editor_state_ms, 0, vim.schedule_wrap(M.editor_state_now))
end

function M.terminal(command, cwd, exit_code, output)
  lp().notify('livepair/terminal', { command = command, cwd = cwd, exitCode = exit_code, output = tail(output) })
end

--- :LivePairRun {cmd}: run it in the project root, show the result, and tell the senior dev.
function M.run(cmd)
  if not cmd or cmd == '' then
    vim.notify('LivePair: :LivePairRun needs a command', vim.log.levels.WARN)
    return
  end
  local client = lp().client(vim.api.nvim_get_current_buf())
  local cwd = (client and client.root_dir) or vim.fn.getcwd()
  -- `exec 2>&1` keeps stdout and stderr in the order the program wrote them, as a terminal shows them.
  vim.system({ vim.o.shell, '-c', 'exec 2>&1; ' .. cmd }, { cwd = cwd, text = true }, function(done)
    vim.schedule(function()
      local output = done.stdout or ''
      M.terminal(cmd, cwd, done.code, output)
      require('livepair.ui').ran(cmd, done.code, output)
    end)
  end)
end

--- A :terminal job ended: its command (from the term:// name), exit status and what the buffer shows.
local function terminal_closed(args)
  local name = vim.api.nvim_buf_get_name(args.buf)
  local cwd, command = name:match('^term://(.-)//%d+:(.*)$')
  if not command then
    return
  end
  local lines = vim.api.nvim_buf_get_lines(args.buf, 0, -1, false)
  while #lines > 0 and lines[#lines]:match('^%s*$') do
    table.remove(lines)
  end
  local status = vim.v.event and vim.v.event.status
  M.terminal(command, vim.fn.fnamemodify(vim.fn.expand(cwd), ':p'), status, table.concat(lines, '\n'))
end

function M.setup(group)
  local config = lp().config
  if config.forward_diagnostics then
    vim.api.nvim_create_autocmd('DiagnosticChanged', {
      group = group,
      callback = function(args)
        M.diagnostics(args.buf)
      end,
    })
  end
  if config.forward_terminal then
    vim.api.nvim_create_autocmd('TermClose', { group = group, callback = terminal_closed })
  end
  vim.api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI', 'WinScrolled', 'BufEnter' }, {
    group = group,
    callback = editor_state_soon,
  })
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == 'livepair' then
        M.diagnostics(args.buf) -- what other servers found before the daemon was up
        editor_state_soon()
      end
    end,
  })
end

return M
