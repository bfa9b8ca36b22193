-- The plugin installed the way lazy.nvim installs a local plugin, from the spec docs/editors.md documents: the
-- spec's `dir` goes on the runtimepath, its plugin/ files are sourced, then `opts` go to require(main).setup().
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  local spec = dofile(c.spec)
  h.result.layout = {
    plugin = vim.fn.filereadable(spec.dir .. '/plugin/' .. spec.name .. '.lua') == 1,
    module = vim.fn.filereadable(spec.dir .. '/lua/' .. spec.main .. '/init.lua') == 1,
  }
  vim.opt.rtp:append(spec.dir)
  for _, file in ipairs(vim.fn.globpath(spec.dir, 'plugin/**/*.{lua,vim}', false, true)) do
    vim.cmd.source(vim.fn.fnameescape(file))
  end
  if spec.config then
    spec.config(spec, spec.opts or {})
  else
    require(spec.main).setup(spec.opts or {})
  end
  h.result.loaded_from = vim.api.nvim_get_runtime_file('lua/livepair/init.lua', false)[1]
  h.result.commands = vim.tbl_filter(function(name)
    return name:find('^LivePair') ~= nil
  end, vim.tbl_keys(vim.api.nvim_get_commands({})))
  table.sort(h.result.commands)

  vim.cmd('filetype on')
  vim.cmd('edit ' .. vim.fn.fnameescape(c.root .. '/f.py'))
  -- The daemon from PATH (`livepair serve`, as pipx installs it) starts offline and puts the seed's hints up.
  h.result.onopen = h.wait('the on-open hints of f.py', 30000, function()
    return h.hints_on({ c.key_line, c.line })
  end)
  h.result.statusline = vim.api.nvim_eval_statusline("%{v:lua.require'livepair'.statusline()}", {}).str
end)
