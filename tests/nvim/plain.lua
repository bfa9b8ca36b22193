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
    -- The run fails (forwarded by hand: no plugin); the senior dev looks at it and asks to run a command.
    client:notify('livepair/terminal', { command = 'python3 f.py', cwd = c.root, exitCode = 1, output = c.output })
    h.wait('the approval prompt', 20000, function()
      return #h.result.selects > 0
    end)
    h.wait('the answer to reach the model', 20000, function()
      return vim.fn.filereadable(c.done) == 1
    end)
    return
  end
  -- Offline: the session starts by itself, and opening f.py shows both of its problems before anything runs.
  h.result.onopen = h.wait('the on-open hints on the key line and the open() line', 20000, function()
    return h.hints_on({ c.key_line, c.line })
  end)
  vim.api.nvim_win_set_cursor(0, { c.line + 1, 10 })
  vim.lsp.buf.hover()
  h.result.hover = h.wait('the hover window', 10000, h.float_text)
  h.result.messages_before_typo = vim.deepcopy(h.result.messages)
  client:notify('livepair/terminal', { command = 'pyhton f.py', cwd = c.root, exitCode = 127,
    output = 'bash: pyhton: command not found\n' })
  h.wait('a message about the typo', 10000, function()
    for _, message in ipairs(h.result.messages) do
      if message:find("'pyhton'", 1, true) then
        return true
      end
    end
  end)
end)
