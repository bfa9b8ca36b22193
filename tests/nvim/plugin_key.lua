-- The key through the plugin: Neovim's environment holds GEMINI_API_KEY (as a user's shell would); the session goes
-- Live with it, by :LivePairStart or by autoStart 'always', while the daemon's environment never holds it.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  h.load_plugin(false)
  require('livepair').setup({ cmd = c.cmd, settings = c.settings })
  h.edit('f.py')
  h.wait_daemon()
  if c.start then
    vim.cmd('LivePairStart')
  end
  h.result.statusline = h.wait('a Live session', 20000, function()
    local line = require('livepair').statusline()
    return line:find('(gemini)', 1, true) and line
  end)
  -- What any process of the user's (an approved command, via $PPID) reads in /proc/<daemon pid>/environ now.
  local daemons = vim.api.nvim_get_proc_children(vim.fn.getpid())
  h.result.daemon_pids = daemons
  local f = assert(io.open('/proc/' .. daemons[1] .. '/environ', 'rb'))
  local environ = f:read('*a')
  f:close()
  h.result.daemon_environ_bytes = #environ
  h.result.daemon_environ = vim.tbl_filter(function(entry)
    return entry ~= ''
  end, vim.split(environ, '\0', { plain = true }))
  -- the editor's own environment is the user's: the plugin takes the key out only while it spawns the daemon
  h.result.key_in_neovim = vim.env.GEMINI_API_KEY ~= nil
end)
