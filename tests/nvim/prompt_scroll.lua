-- The plugin's prompt for a snippet taller than the screen: the title says to scroll, G reaches the last line that
-- runs, Esc says no. The livepair/approval handler is called as the LSP client calls it (in a coroutine).
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  vim.opt.rtp:prepend(h.config.plugin_dir)
  h.result.screen = { vim.o.lines, vim.o.columns }
  local handler = require('livepair.ui').handlers()['livepair/approval']
  local answer
  coroutine.wrap(function()
    answer = handler(nil, h.config.params)
  end)()
  local shown = h.wait_approval_prompt(5000)
  h.result.title = shown.title
  h.result.height = vim.api.nvim_win_get_height(shown.win)
  h.type('G')
  vim.cmd('redraw') -- the window's view is brought up to date as the screen draws it
  h.result.last_visible = vim.api.nvim_win_call(shown.win, function()
    return vim.fn.getline(vim.fn.line('w$'))
  end)
  h.type('<Esc>')
  h.result.answer = h.wait('the answer', 5000, function()
    return answer
  end)
  h.result.open_after_answer = h.approval_prompt() ~= nil
end)
