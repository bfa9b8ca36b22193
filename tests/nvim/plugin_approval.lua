-- An approval through the plugin: :LivePairStart with a key, f.py fails in :LivePairRun, the model asks to run a
-- command. The plugin's prompt (a floating window) is answered with a key, or, with approval_ui = 'select',
-- vim.ui.select with a choice.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  vim.opt.rtp:prepend(c.plugin_dir)
  vim.cmd('runtime plugin/livepair.lua')
  vim.cmd('filetype on')
  h.answer_selects(c.choice)
  require('livepair').setup({ cmd = c.cmd, settings = c.settings, approval_ui = c.ui })
  vim.cmd('edit ' .. vim.fn.fnameescape(c.root .. '/f.py'))
  h.wait('the daemon', 20000, function()
    local client = require('livepair').client(0)
    return client and client.initialized
  end)
  vim.cmd('LivePairStart')
  vim.cmd('LivePairRun ' .. c.python .. ' f.py') -- the failed run is what the model answers
  if c.ui == 'select' then
    h.wait('the approval prompt', 20000, function()
      return #h.result.selects > 0
    end)
  else
    local first = h.wait('the approval prompt', 20000, h.approval_prompt)
    h.result.early_footer = first.footer
    h.type('a') -- too soon: a key meant for what was there before is no yes
    h.result.open_after_early_key = h.approval_prompt() ~= nil
    local shown = h.wait_approval_prompt(5000)
    h.result.prompt = { text = shown.text, footer = h.approval_prompt().footer, focused = shown.focused }
    h.type(c.key)
    h.result.open_after_answer = h.approval_prompt() ~= nil
    h.result.back_in = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ':t')
  end
  h.result.statusline = require('livepair').statusline()
  h.wait('the answer to reach the model', 20000, function()
    return vim.fn.filereadable(c.done) == 1
  end)
  local buf = vim.fn.bufnr('livepair://transcript')
  h.result.transcript = buf ~= -1 and vim.api.nvim_buf_get_lines(buf, 0, -1, false) or {}
end)
