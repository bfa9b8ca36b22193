-- The approval prompt: a floating window with the daemon's rendering of exactly what runs (its heading, warnings,
-- the command or the whole numbered snippet with control, bidi and zero-width characters escaped, the model's
-- reason quoted as the model's), scrollable, answered with keys. Deny is the default: Enter, Esc, q, d and closing
-- the window all say no; only `a` (or `A`, "always", where offered) allows. Unlike vim.ui.select, the plugin can
-- close it: when the daemon withdraws the request, the window goes.
local M = {}

M.ARM_MS = 600 -- Allow is ignored this long after the prompt appears: a key typed for what was there before is no yes
local DENY_KEYS = { 'd', 'q', '<Esc>', '<CR>' }
local NS = vim.api.nvim_create_namespace('livepair_approval')

local function footer(params, armed)
  local deny = ' d/q/Esc/Enter: Deny '
  if not armed then
    return { { ' Allow in a moment ', 'Comment' }, { '│', 'FloatBorder' }, { deny, 'Normal' } }
  end
  local parts = { { ' a: Allow ', 'WarningMsg' } }
  if params.allowAlways then
    table.insert(parts, { '│', 'FloatBorder' })
    table.insert(parts, { ' A: Always allow here ', 'WarningMsg' })
  end
  table.insert(parts, { '│', 'FloatBorder' })
  table.insert(parts, { deny, 'Normal' })
  return parts
end

--- Rows the lines take in a window `width` cells wide once wrapped (the prompt wraps: nothing hides off the edge).
local function wrapped_rows(lines, width)
  local rows = 0
  for _, line in ipairs(lines) do
    rows = rows + math.max(1, math.ceil(vim.fn.strdisplaywidth(line) / width))
  end
  return rows
end

--- Open the prompt for `text` (the whole prompt, lines split on \n). on_answer('Allow' | 'Always' | 'Deny') is
--- called once, when the user answers or closes the window. Returns close(): takes the window away without an answer
--- (the daemon withdrew the request); the caller says why.
function M.open(params, text, on_answer)
  local lines = vim.split(text, '\n', { plain = true })
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  for i, line in ipairs(lines) do -- warnings stand out; the model's words are marked as quoted
    if vim.startswith(line, '\u{26a0}') then
      vim.api.nvim_buf_add_highlight(buf, NS, 'WarningMsg', i - 1, 0, -1)
    elseif i == 1 then
      vim.api.nvim_buf_add_highlight(buf, NS, 'Title', 0, 0, -1)
    end
  end

  local widest = 0
  for _, line in ipairs(lines) do
    widest = math.max(widest, vim.fn.strdisplaywidth(line))
  end
  local width = math.max(math.min(widest + 1, vim.o.columns - 4), math.min(60, vim.o.columns - 4))
  local rows = wrapped_rows(lines, width)
  local height = math.max(1, math.min(rows, vim.o.lines - vim.o.cmdheight - 4))
  -- Taller than the screen: the title says so (the rest is reached with j, Ctrl-d, G as in any window).
  local title = rows > height and string.format(' LivePair approval: %d lines, scroll for the rest ', #lines)
    or ' LivePair approval '
  local previous = vim.api.nvim_get_current_win()
  if vim.fn.mode() ~= 'n' then
    vim.cmd('stopinsert')
  end
  local win = vim.api.nvim_open_win(buf, true, {
    relative = 'editor',
    row = math.max(0, math.floor((vim.o.lines - height) / 2) - 2),
    col = math.max(0, math.floor((vim.o.columns - width) / 2) - 1),
    width = width,
    height = height,
    style = 'minimal',
    border = 'rounded',
    title = title,
    title_pos = 'center',
    footer = footer(params, false),
    footer_pos = 'center',
    zindex = 200, -- above hovers and completion menus
  })
  vim.wo[win].wrap = true
  vim.wo[win].linebreak = false -- break anywhere: what is shown is what runs, character for character
  vim.wo[win].showbreak = '↪ '
  vim.wo[win].cursorline = true

  local done, armed = false, false
  local function close()
    if vim.api.nvim_win_is_valid(win) then
      vim.api.nvim_win_close(win, true)
    end
    if vim.api.nvim_win_is_valid(previous) then
      vim.api.nvim_set_current_win(previous)
    end
  end
  local function answer(choice)
    if done then
      return
    end
    done = true
    close()
    on_answer(choice)
  end
  local function allow(choice)
    return function()
      if armed then
        answer(choice)
      end
    end
  end
  local map = { buffer = buf, nowait = true, silent = true }
  vim.keymap.set('n', 'a', allow('Allow'), vim.tbl_extend('force', map, { desc = 'LivePair: Allow' }))
  if params.allowAlways then
    vim.keymap.set('n', 'A', allow('Always'), vim.tbl_extend('force', map, { desc = 'LivePair: Always allow' }))
  end
  for _, key in ipairs(DENY_KEYS) do
    vim.keymap.set('n', key, function()
      answer('Deny')
    end, vim.tbl_extend('force', map, { desc = 'LivePair: Deny' }))
  end
  -- :q, <C-w>c or :only close it: that is a no.
  vim.api.nvim_create_autocmd('WinClosed', {
    pattern = tostring(win),
    once = true,
    callback = function()
      vim.schedule(function()
        answer('Deny')
      end)
    end,
  })
  vim.defer_fn(function()
    armed = true
    if not done and vim.api.nvim_win_is_valid(win) then
      vim.api.nvim_win_set_config(win, { border = 'rounded', footer = footer(params, true), footer_pos = 'center' })
    end
  end, M.ARM_MS)

  return function()
    done = true -- no answer counts any more, not even one already in flight
    close()
  end
end

return M
