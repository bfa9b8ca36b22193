-- A withdrawn approval through the plugin: the model asks to run a command, the user has not answered when the model
-- cancels the call; Neovim says so, and the user's late Allow runs nothing.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  vim.opt.rtp:prepend(c.plugin_dir)
  vim.cmd('runtime plugin/livepair.lua')
  local held -- the open prompt's on_choice: the user is still reading
  h.result.selects, h.result.notes = {}, {}
  vim.ui.select = function(items, opts, on_choice)
    table.insert(h.result.selects, { prompt = opts.prompt, items = items })
    held = function()
      on_choice(items[#items], #items) -- Allow
    end
    vim.fn.writefile({ 'asked' }, c.asked)
  end
  vim.notify = function(msg, level)
    table.insert(h.result.notes, msg)
  end
  require('livepair').setup({ cmd = c.cmd, settings = c.settings })
  vim.cmd('edit ' .. vim.fn.fnameescape(c.root .. '/f.py'))
  h.wait('the daemon', 20000, function()
    local client = require('livepair').client(0)
    return client and client.initialized
  end)
  vim.cmd('LivePairStart')
  vim.cmd('LivePairRun ' .. c.python .. ' f.py')
  h.wait('the withdrawal', 20000, function()
    for _, note in ipairs(h.result.notes) do
      if note:find('withdrew', 1, true) then
        return true
      end
    end
    return false
  end)
  held() -- the late Allow
  h.wait('the model to hear the cancellation went through', 20000, function()
    return vim.fn.filereadable(c.done) == 1
  end)
  local buf = vim.fn.bufnr('livepair://transcript')
  h.result.transcript = buf ~= -1 and vim.api.nvim_buf_get_lines(buf, 0, -1, false) or {}
end)
