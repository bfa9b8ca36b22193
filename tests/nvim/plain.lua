-- No plugin at all: vim.lsp.start, as a user of any LSP client would attach the daemon.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  h.answer_selects(c.choice) -- Neovim's own window/showMessageRequest handler asks through vim.ui.select
  h.result.messages = {}
  vim.lsp.handlers['window/showMessage'] = function(_, params)
    table.insert(h.result.messages, params.message)
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(c.root .. '/f.py'))
  local id = vim.lsp.start({ name = 'livepair', cmd = c.cmd, root_dir = c.root, init_options = c.settings })
  local client = h.wait('the daemon', 20000, function()
    local client = vim.lsp.get_client_by_id(id)
    return client and client.initialized and client
  end)
  if c.mode == 'approval' then
    h.wait('the approval prompt', 20000, function()
      return #h.result.selects > 0
    end)
    h.wait('the answer to reach the model', 20000, function()
      return vim.fn.filereadable(c.done) == 1
    end)
    return
  end
  -- Offline: the session is already running; a failed run, forwarded by hand, gets a hint (until the on-open
  -- checks land, a plain client needs some error to show the senior dev).
  client:notify('livepair/terminal', { command = 'python3 f.py', cwd = c.root, exitCode = 1, output = c.output })
  local hint = h.wait('the hint', 20000, function()
    return h.diagnostics('LivePair')[1]
  end)
  h.result.hint = { line = hint.lnum, message = hint.message }
  vim.api.nvim_win_set_cursor(0, { hint.lnum + 1, 10 })
  vim.lsp.buf.hover()
  h.result.hover = h.wait('the hover window', 10000, h.float_text)
  client:notify('livepair/terminal', { command = 'pyhton f.py', cwd = c.root, exitCode = 127,
    output = 'bash: pyhton: command not found\n' })
  h.wait('a message about the typo', 10000, function()
    return #h.result.messages > 0
  end)
end)
