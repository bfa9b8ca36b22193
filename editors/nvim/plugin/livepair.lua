-- LivePair user commands. The daemon starts for configured filetypes once `require('livepair').setup{}` ran.
if vim.g.loaded_livepair or vim.fn.has('nvim-0.10') == 0 then
  return
end
vim.g.loaded_livepair = true

local function lp()
  return require('livepair')
end

local commands = {
  LivePairStart = { function() lp().start() end, {} },
  LivePairStop = { function() lp().stop() end, {} },
  LivePairAsk = { function(o) lp().ask(o.args) end, { nargs = '*' } },
  LivePairExplain = { function() lp().explain() end, {} },
  LivePairToggleMic = { function() lp().toggle_mic() end, {} },
  LivePairToggleScreen = { function() lp().toggle_screen() end, {} },
  LivePairRun = { function(o) lp().run(o.args) end, { nargs = '+', complete = 'shellcmd' } },
  LivePairTranscript = { function() lp().transcript() end, {} },
}
for name, spec in pairs(commands) do
  vim.api.nvim_create_user_command(name, spec[1], vim.tbl_extend('force', spec[2], { desc = 'LivePair' }))
end
