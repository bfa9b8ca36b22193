-- The f.py scenario through the plugin, offline: the hints on open, :LivePairRun, K, :LivePairExplain, the quick
-- fix, the transcript.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  h.load_plugin()
  -- No :LivePairStart: autoStart (offline) starts the session once the daemon is up.
  h.result.statusline = h.open_listening('f.py', 'the statusline to show the session')

  -- Before anything runs, the on-open checks put a hint on each seed error: the placeholder key, the open().
  h.result.onopen = h.wait('the on-open hints on the key line and the open() line', 20000, function()
    return h.hints_on({ c.key_line, c.line })
  end)

  -- The run fails; the senior dev's word on it replaces the on-open hint of the open() line.
  vim.cmd('LivePairRun ' .. c.python .. ' f.py')
  h.wait("the failed run's hint on the open() line", 20000, function()
    local d = h.hint(c.line)
    return d and d.message ~= h.result.onopen[tostring(c.line)]
  end)
  vim.api.nvim_win_set_cursor(0, { c.line + 1, 10 })
  vim.lsp.buf.hover()
  h.result.hover = h.wait('the hover window', 10000, h.float_text)
  h.close_floats()
  -- The hover was asked after the reply's first hint arrived, so its answer follows all of that reply's hints.
  local hint = h.hint(c.line)
  h.result.hint = hint and { line = hint.lnum, message = hint.message }

  -- :LivePairExplain on a line with only LivePair's hint tells more about that hint (not "no problem on line 8").
  vim.cmd('LivePairExplain')
  h.result.explain_own = h.wait('the longer explanation of our own hint', 20000, function()
    local text = table.concat(h.transcript(), '\n')
    return text:find('About f.py:' .. (c.line + 1), 1, true) and text
  end)

  -- Another tool's diagnostic is forwarded; :LivePairExplain at the cursor (editor state) explains it.
  local ns = vim.api.nvim_create_namespace('secret-lint')
  vim.diagnostic.set(ns, 0, { { lnum = c.key_line, col = 10, end_col = 24, source = 'secret-lint',
    message = 'Hard-coded placeholder API key', severity = vim.diagnostic.severity.WARN } })
  vim.api.nvim_win_set_cursor(0, { c.key_line + 1, 12 })
  vim.cmd('LivePairExplain')
  h.wait('the explanation of the forwarded diagnostic', 10000, function()
    local d = h.hint(c.key_line)
    return d and d.message ~= h.result.onopen[tostring(c.key_line)]
  end)
  vim.lsp.buf.hover()
  h.result.key_hover = h.wait('the hover window on the key line', 10000, h.float_text)
  h.close_floats()
  local explained = h.hint(c.key_line)
  h.result.explained = explained and explained.message

  -- The quick fix on the open() line; one is offered, so it applies without a menu (a menu would be recorded).
  h.answer_selects(nil)
  h.apply_fix(c.line)
  h.result.fixed = h.wait('the quick fix to change the buffer', 10000, function()
    local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    for _, line in ipairs(lines) do
      if line:find('Path(__file__)', 1, true) then
        return lines
      end
    end
  end)
  vim.cmd('write') -- the test runs the saved program

  -- A mistyped command in a :terminal has no line to sit on: its advice is in the transcript.
  vim.cmd('terminal pyhton f.py')
  h.result.transcript = h.wait('the transcript to tell about the typo', 20000, function()
    local text = table.concat(h.transcript(), '\n')
    return text:find("\nLivePair: [^\n]*'pyhton'") and text
  end)
end)
