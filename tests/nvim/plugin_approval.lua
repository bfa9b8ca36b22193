-- An approval through the plugin: :LivePairStart with a key, f.py fails in :LivePairRun, the model asks to run a
-- command, vim.ui.select.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  vim.opt.rtp:prepend(c.plugin_dir)
  vim.cmd('runtime plugin/livepair.lua')
  vim.cmd('filetype on')
  h.answer_selects(c.choice)
  require('livepair').setup({ cmd = c.cmd, settings = c.settings })
  vim.cmd('edit ' .. vim.fn.fnameescape(c.root .. '/f.py'))
  h.wait('the daemon', 20000, function()
    local client = require('livepair').client(0)
    return client and client.initialized
  end)
  vim.cmd('LivePairStart')
  vim.cmd('LivePairRun ' .. c.python .. ' f.py') -- the failed run is what the model answers
  h.wait('the approval prompt', 20000, function()
    return #h.result.selects > 0
  end)
  h.result.statusline = require('livepair').statusline()
  h.wait('the answer to reach the model', 20000, function()
    return vim.fn.filereadable(c.done) == 1
  end)
end)
