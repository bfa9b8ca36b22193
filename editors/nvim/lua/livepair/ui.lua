-- What the user sees: the statusline state, the transcript buffer, approvals (livepair/approval.lua's prompt).
local M = {}

M.status = nil -- the last livepair/status payload
local recent = {} -- advice already in the transcript: a hint and its fix, and the reply that says it again
local said, said_count = {}, 0 -- findings (file, line, words) already in the transcript, whatever came between
local TRANSCRIPT = 'livepair://transcript'

--- The statusline component: "LivePair: listening (offline)", plus what the mic and screen are doing.
function M.statusline()
  local s = M.status
  if not s then
    return ''
  end
  local text = 'LivePair: ' .. s.state
  if s.backend and s.backend ~= vim.NIL then
    text = text .. ' (' .. s.backend .. ')'
  end
  if s.mode == 'tutor' then
    text = text .. ' (tutor)'
  end
  if type(s.mic) == 'table' and s.mic.state == 'on' then
    text = text .. ' mic'
  end
  if s.screen == 'sharing' then
    text = text .. ' screen'
  end
  return text
end

local function transcript_buf()
  local buf = vim.fn.bufnr(TRANSCRIPT)
  if buf == -1 then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, TRANSCRIPT)
    vim.bo[buf].filetype = 'markdown'
    vim.bo[buf].bufhidden = 'hide'
    vim.bo[buf].modifiable = false
  end
  return buf
end

--- Append lines to the transcript (a scratch buffer), following it in any window that shows it.
function M.append(text)
  local buf = transcript_buf()
  local lines = vim.split(text, '\n', { plain = true })
  vim.bo[buf].modifiable = true
  local empty = vim.api.nvim_buf_line_count(buf) == 1 and vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1] == ''
  vim.api.nvim_buf_set_lines(buf, empty and 0 or -1, -1, false, lines)
  vim.bo[buf].modifiable = false
  for _, win in ipairs(vim.fn.win_findbuf(buf)) do
    vim.api.nvim_win_set_cursor(win, { vim.api.nvim_buf_line_count(buf), 0 })
  end
end

function M.open_transcript()
  local buf = transcript_buf()
  if #vim.fn.win_findbuf(buf) == 0 then
    vim.cmd('botright split')
    vim.api.nvim_win_set_buf(0, buf)
  end
end

function M.ran(cmd, code, output)
  local last = ''
  for line in output:gmatch('[^\n]+') do
    last = line
  end
  M.append(string.format('$ %s  (exit %s)%s', cmd, tostring(code), last ~= '' and ('\n    ' .. last) or ''))
  local level = code == 0 and vim.log.levels.INFO or vim.log.levels.WARN
  vim.notify(string.format('LivePair: `%s` exited with %s', cmd, tostring(code)), level)
end

-- livepair/approval: Deny is the default (a dismissed prompt means no); only Allow approves.
local DENY, ALLOW, ALWAYS = 'Deny', 'Allow', 'Always' -- ALWAYS: only where the daemon offers it

-- The daemon renders the whole prompt (params.shown: its heading, warnings, exactly what runs with control, bidi and
-- zero-width characters escaped, the model's words quoted as the model's). An older daemon: the fields as they are.
function M.approval_prompt(params)
  if type(params.shown) == 'string' and params.shown ~= '' then
    return params.shown
  end
  local said = (params.reason and params.reason ~= '') and ('\nThe senior dev says: "' .. params.reason .. '"') or ''
  if params.kind == 'command' then
    local lines = { (params.title or 'LivePair wants to run a command') .. ':', '$ ' .. (params.command or '') }
    if params.cwd then
      table.insert(lines, 'in ' .. params.cwd)
    end
    return table.concat(lines, '\n') .. said
  end
  if params.kind == 'python' then
    return (params.title or 'LivePair wants to run Python code') .. ':\n' .. (params.code or '') .. said
  end
  return 'LivePair wants to edit: ' .. (params.title or '') .. ((params.detail and ('\n' .. params.detail)) or '') .. said
end

-- One line for the transcript: the command as shown (escaped), or which snippet.
local function summary(params, prompt)
  for _, line in ipairs(vim.split(prompt, '\n', { plain = true })) do
    if vim.startswith(line, '$ ') then
      return line
    end
  end
  if params.kind == 'python' then
    return string.format('the Python code (%d lines)', #vim.split(params.code or '', '\n', { plain = true }))
  end
  return (prompt:gsub('\n', ' '))
end

-- Prompts the daemon may take back (livepair/approvalWithdrawn: the call was cancelled or timed out), by approvalId.
local waiting = {} -- approvalId -> { finish = fn(choice), close = fn() } of a prompt still open
local withdrawn = {} -- approvalId -> why

local function approve(params)
  local prompt = M.approval_prompt(params)
  local co, is_main = coroutine.running()
  if not co or is_main then -- cannot wait for the user here: no
    return { approved = false }
  end
  local id, answered = params.approvalId, false
  local function finish(choice)
    if answered then -- a late answer to a withdrawn prompt: ignored
      return
    end
    answered = true
    if id then
      waiting[id] = nil
    end
    vim.schedule(function()
      coroutine.resume(co, choice)
    end)
  end
  local entry = { finish = finish }
  if id then
    waiting[id] = entry
  end
  if require('livepair').config.approval_ui == 'select' then -- cannot be closed: a withdrawal voids the answer
    vim.ui.select({ DENY, ALLOW }, { prompt = prompt, kind = 'livepair_approval' }, finish)
  else
    entry.close = require('livepair.approval').open(params, prompt, finish)
  end
  local choice = coroutine.yield()
  if id and withdrawn[id] then
    M.append(string.format('Approval withdrawn (%s) — nothing runs: %s', withdrawn[id], summary(params, prompt)))
    withdrawn[id] = nil
    return { approved = false }
  end
  M.append(string.format('Approval: %s — %s', choice or 'dismissed', summary(params, prompt)))
  if choice == ALWAYS then
    return { approved = true, always = true }
  end
  return { approved = choice == ALLOW }
end

local function withdraw(params)
  local entry = waiting[params.approvalId]
  if not entry then
    return
  end
  local why = params.why or 'withdrawn'
  withdrawn[params.approvalId] = why
  if entry.close then
    entry.close()
    vim.notify('LivePair withdrew its request (' .. why .. '): the prompt is closed, nothing runs.',
      vim.log.levels.WARN)
  else
    vim.notify('LivePair withdrew its request (' .. why .. '): nothing will run; an answer to that prompt is ignored.',
      vim.log.levels.WARN)
  end
  entry.finish(nil)
end

function M.handlers()
  return {
    ['livepair/status'] = function(_, params)
      M.status = params
      vim.cmd.redrawstatus({ bang = true })
      vim.api.nvim_exec_autocmds('User', { pattern = 'LivePairStatus', modeline = false })
    end,
    ['livepair/transcript'] = function(_, params)
      -- partial model text is streamed; the final one carries the whole turn
      if params.final and not (params.role == 'model' and recent[params.text]) then
        M.append((params.role == 'user' and 'You: ' or 'LivePair: ') .. params.text)
      end
      if params.final then
        recent = {}
      end
    end,
    ['livepair/advice'] = function(_, params)
      -- The same finding comes again when its checked fix arrives after the hint: said once in the transcript.
      local key = string.format('%s:%d:%s', params.uri, params.range.start.line, params.message)
      if recent[params.message] or said[key] then
        return
      end
      recent[params.message] = true
      said_count = said_count + 1
      if said_count > 500 then -- bounded: a long session forgets the oldest (and may say one again)
        said, said_count = {}, 1
      end
      said[key] = true
      local name = vim.fn.fnamemodify(vim.uri_to_fname(params.uri), ':~:.')
      M.append(string.format('[%s:%d] %s', name, params.range.start.line + 1, params.message))
    end,
    ['livepair/approval'] = function(_, params)
      return approve(params)
    end,
    ['livepair/approvalWithdrawn'] = function(_, params)
      withdraw(params)
    end,
  }
end

return M
