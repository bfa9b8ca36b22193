-- Tutor mode through the plugin, offline: a failing run gives a question on the line, "Give me a hint" twice
-- climbs the ladder, "Show me the fix" brings the quick fix, which applies.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  vim.opt.rtp:prepend(c.plugin_dir)
  vim.cmd('runtime plugin/livepair.lua')
  vim.cmd('filetype on')
  local lp = require('livepair')
  lp.setup({ cmd = c.cmd, settings = c.settings })
  vim.o.statusline = "%{v:lua.require'livepair'.statusline()}"
  vim.cmd('edit ' .. vim.fn.fnameescape(c.root .. '/average.py'))

  h.result.statusline = h.wait('the statusline to show the tutor', 20000, function()
    local text = vim.api.nvim_eval_statusline(vim.o.statusline, {}).str
    return text:find('listening', 1, true) and text
  end)

  vim.cmd('LivePairRun ' .. c.python .. ' average.py')
  h.result.question = h.wait('the guiding question on the line', 20000, function()
    local d = h.hint(c.line)
    return d and d.message:find('?', 1, true) and d.message
  end)

  local function choose(title)
    h.answer_selects(nil)
    vim.api.nvim_win_set_cursor(0, { c.line + 1, 10 })
    vim.lsp.buf.code_action({
      apply = true,
      filter = function(action)
        return action.title == title
      end,
    })
  end

  h.result.titles = {}
  vim.api.nvim_win_set_cursor(0, { c.line + 1, 10 })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = {} }
  local replies = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 10000) or {}
  for _, reply in pairs(replies) do
    for _, action in ipairs(reply.result or {}) do
      table.insert(h.result.titles, action.title)
    end
  end

  h.result.hints = {}
  for n = 1, 2 do
    choose('Give me a hint')
    table.insert(h.result.hints, h.wait('hint ' .. n, 10000, function()
      local d = h.hint(c.line)
      return d and d.message:find('Hint ' .. n .. ' of', 1, true) and d.message
    end))
  end

  choose('Show me the fix')
  h.wait('the fix on the line', 10000, function()
    local d = h.hint(c.line)
    return d and d.message:find('before anything defines it', 1, true)
  end)
  vim.api.nvim_win_set_cursor(0, { c.line + 1, 10 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.edit ~= nil
    end,
  })
  h.result.fixed = h.wait('the quick fix to change the buffer', 10000, function()
    local line = vim.api.nvim_buf_get_lines(0, c.line, c.line + 1, false)[1]
    return line and not line:find('totl', 1, true) and line
  end)
end)
