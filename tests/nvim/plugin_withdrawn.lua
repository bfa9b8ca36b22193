-- A withdrawn approval through the plugin: the model asks to run a command, the user has not answered when the model
-- cancels the call; the plugin closes its prompt, says so once in the transcript, and an Allow already on its way
-- (the prompt's own key handler, called after the withdrawal) runs nothing. With approval_ui = 'select', the
-- vim.ui.select cannot be closed: the user's late Allow in it runs nothing either.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  h.load_plugin(false)
  h.result.notes, h.result.selects = {}, {}
  vim.notify = function(msg, level)
    table.insert(h.result.notes, msg)
  end
  local late_allow -- an Allow the user gives once the request is withdrawn
  vim.ui.select = function(items, opts, on_choice)
    table.insert(h.result.selects, { prompt = opts.prompt, items = items })
    late_allow = function()
      on_choice(items[#items], #items) -- Allow
    end
  end
  require('livepair').setup({ cmd = c.cmd, settings = c.settings, approval_ui = c.ui })
  h.edit('f.py')
  h.wait_daemon()
  vim.cmd('LivePairStart')
  vim.cmd('LivePairRun ' .. c.python .. ' f.py')
  if c.ui == 'select' then
    h.wait('the approval prompt', 20000, function()
      return late_allow
    end)
    h.result.prompt = h.result.selects[1].prompt
  else
    local shown = h.wait_approval_prompt(20000)
    h.result.prompt = shown.text
    for _, map in ipairs(vim.api.nvim_buf_get_keymap(shown.buf, 'n')) do
      if map.lhs == 'a' then -- what `a` does in the prompt, kept to press it once the prompt is gone
        late_allow = map.callback
      end
    end
  end
  vim.fn.writefile({ 'asked' }, c.asked)
  h.wait('the withdrawal', 20000, function()
    for _, note in ipairs(h.result.notes) do
      if note:find('withdrew', 1, true) then
        return true
      end
    end
    return false
  end)
  h.result.open_after_withdrawal = h.approval_prompt() ~= nil
  h.result.windows = #vim.api.nvim_list_wins()
  late_allow()
  h.wait('the model to hear the cancellation went through', 20000, function()
    return vim.fn.filereadable(c.done) == 1
  end)
  h.result.transcript = h.transcript()
end)
