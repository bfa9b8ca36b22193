-- Tutor mode through the plugin, offline: a failing run gives a question on the line, "Give me a hint" twice
-- climbs the ladder, "Show me the fix" brings the quick fix, which applies; the run passing then is acknowledged in
-- the transcript. A second program the learner fixes themself (an edit, :write, the run again) is praised in one line
-- naming the concept, as fixed alone.
local H = dofile(vim.env.LIVEPAIR_NVIM_HARNESS)
H.run(function(h)
  local c = h.config
  h.load_plugin()
  h.result.statusline = h.open_listening('average.py', 'the statusline to show the tutor')

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
  h.apply_fix(c.line)
  h.result.fixed = h.wait('the quick fix to change the buffer', 10000, function()
    local line = vim.api.nvim_buf_get_lines(0, c.line, c.line + 1, false)[1]
    return line and not line:find('totl', 1, true) and line
  end)

  -- The transcript as the learner reads it (:LivePairTranscript): the lines that hold `text`.
  local function said(text)
    return vim.tbl_filter(function(l)
      return l:find(text, 1, true) ~= nil
    end, h.transcript())
  end
  local function praised(what, text)
    return h.wait(what, 10000, function()
      local found = said(text)
      return #found > 0 and found
    end)
  end

  -- With the fix applied and saved, the run passes: acknowledged, not as the learner's own.
  vim.cmd('write')
  vim.cmd('LivePairRun ' .. c.python .. ' average.py')
  h.result.praise_with_fix = praised('the passing run acknowledged', 'It runs now: you applied the fix')

  -- The learner's own fix, on a program of their own: no hint asked, no fix shown.
  vim.fn.writefile({ 'name = "Ada"', 'print("hello", nmae)' }, c.root .. '/greet.py')
  h.edit('greet.py')
  vim.cmd('LivePairRun ' .. c.python .. ' greet.py')
  h.wait('the question on greet.py', 20000, function()
    local d = h.hint(1)
    return d and d.message:find('?', 1, true)
  end)
  vim.api.nvim_buf_set_lines(0, 1, 2, false, { 'print("hello", name)' })
  vim.cmd('write')
  vim.cmd('LivePairRun ' .. c.python .. ' greet.py')
  local praise = praised('the own fix praised', 'You fixed it yourself')
  if #praise ~= 1 or not praise[1]:find('Names must be defined before use', 1, true) then
    error('the praise, once, naming the concept: ' .. vim.inspect(praise), 0)
  end
  h.result.praise_alone = praise[1]
  if #said('It runs now: you applied the fix') ~= 1 then
    error('the first acknowledgement said again: ' .. vim.inspect(said('It runs now')), 0)
  end

  -- The private recap counts one fixed alone and one with the fix shown.
  local replies = vim.lsp.buf_request_sync(0, 'workspace/executeCommand', { command = 'livepair.whatDidILearn' }, 10000)
  for _, reply in pairs(replies or {}) do
    h.result.recap = reply.result and reply.result.markdown
  end
  if not (h.result.recap or ''):find('fixed alone 1×, fix shown 1×', 1, true) then
    error('the recap: ' .. vim.inspect(h.result.recap), 0)
  end
end)
