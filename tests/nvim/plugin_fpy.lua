-- The f.py scenario through the plugin, offline: :LivePairRun, the hint, K, the quick fix, the transcript.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  vim.opt.rtp:prepend(c.plugin_dir)
  vim.cmd('runtime plugin/livepair.lua')
  vim.cmd('filetype on')
  local lp = require('livepair')
  lp.setup({ cmd = c.cmd, settings = c.settings })
  vim.o.statusline = "%{v:lua.require'livepair'.statusline()}"
  vim.cmd('edit ' .. vim.fn.fnameescape(c.root .. '/f.py'))

  -- No :LivePairStart: autoStart (offline) starts the session once the daemon is up.
  h.result.statusline = h.wait('the statusline to show the session', 20000, function()
    local text = vim.api.nvim_eval_statusline(vim.o.statusline, {}).str
    return text:find('listening', 1, true) and text
  end)

  vim.cmd('LivePairRun ' .. c.python .. ' f.py')
  local hint = h.wait('the hint on the open() line', 20000, function()
    return h.diagnostics('LivePair')[1]
  end)
  h.result.hint = { line = hint.lnum, message = hint.message }

  vim.api.nvim_win_set_cursor(0, { hint.lnum + 1, 10 })
  vim.lsp.buf.hover()
  h.result.hover = h.wait('the hover window', 10000, h.float_text)
  h.close_floats()

  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.edit ~= nil
    end,
  })
  h.result.fixed_line = h.wait('the quick fix to change the buffer', 10000, function()
    local line = vim.api.nvim_buf_get_lines(0, hint.lnum, hint.lnum + 1, false)[1]
    return line:find('src/data', 1, true) and line
  end)

  -- Another tool's diagnostic is forwarded; :LivePairExplain at the cursor (editor state) explains it.
  local ns = vim.api.nvim_create_namespace('secret-lint')
  vim.diagnostic.set(ns, 0, { { lnum = c.key_line, col = 10, end_col = 24, source = 'secret-lint',
    message = 'Hard-coded placeholder API key', severity = vim.diagnostic.severity.WARN } })
  vim.api.nvim_win_set_cursor(0, { c.key_line + 1, 12 })
  vim.cmd('LivePairExplain')
  h.result.explained = h.wait('the explanation of the forwarded diagnostic', 10000, function()
    for _, d in ipairs(h.diagnostics('LivePair')) do
      if d.lnum == c.key_line then
        return d.message
      end
    end
  end)

  -- A mistyped command in a :terminal has no line to sit on: its advice is in the transcript.
  vim.cmd('terminal pyhton f.py')
  h.result.transcript = h.wait('the transcript to tell about the typo', 20000, function()
    local buf = vim.fn.bufnr('livepair://transcript')
    local text = buf ~= -1 and table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') or ''
    return text:find("LivePair: The shell cannot find 'pyhton'", 1, true) and text
  end)
end)
