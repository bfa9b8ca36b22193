-- An approval through the plugin: :LivePairStart with a key, f.py fails in :LivePairRun, the model asks to run a
-- command. The plugin's prompt (a floating window) is answered with a key, or, with approval_ui = 'select',
-- vim.ui.select with a choice.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  h.load_plugin()
  h.answer_selects(c.choice)
  require('livepair').setup({ cmd = c.cmd, settings = c.settings, approval_ui = c.ui })
  h.edit('f.py')
  h.wait_daemon()
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
  h.result.transcript = h.transcript()
end)
